//! The files HR hands to accounting: a table (the timesheet's grid, a report) as CSV
//! for Excel — `;`-separated, UTF-8 with a BOM, CRLF (CONTRACT.md §9), so that Excel
//! with Russian or Uzbek regional settings opens it in columns — or as XLSX; and the
//! monthly timesheet as the T-13 form in XLSX, laid out for A4 landscape. Sheets are
//! written row by row in rust_xlsxwriter's constant-memory mode. The words of the files
//! are this crate's own (`crates/app/locales/*/exports.ftl`), in the caller's language.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use davomat_core::Lang;
use davomat_core::engine::duration::hh_mm;
use davomat_core::engine::t13::{DayCode, DayMark, LeaveCode, MarkTotals};
use fluent_templates::{LanguageIdentifier, langid, static_loader};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use davomat_store::Store;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::timesheets::{EmployeeMonth, MonthPlan, MonthQuery, MonthSheet};

static_loader! {
    static WORDS = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A file's word in `lang` (the id itself if no file has it; a test checks they all do).
pub fn word(lang: Lang, id: &str) -> String {
    let language: LanguageIdentifier = match lang {
        Lang::Ru => langid!("ru"),
        Lang::Uz => langid!("uz"),
        Lang::En => langid!("en"),
    };
    WORDS
        .lookup_single_language::<&str>(&language, id, None)
        .unwrap_or_else(|_| id.to_string())
}

/// What kind of file is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    /// `csv` or `xlsx`.
    pub fn parse(text: &str) -> Option<FileFormat> {
        match text.trim() {
            "csv" => Some(FileFormat::Csv),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(text) => quoted(text),
            Cell::Number(n) => format_number(*n),
            Cell::Empty => String::new(),
        }
    }
}

/// A number as Excel reads it back with either decimal separator: integers bare, the
/// rest with a comma (the regional settings of Russian and Uzbek).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}").replace('.', ",")
    }
}

/// A CSV field: quoted when it holds `;`, a quote or a line break.
fn quoted(text: &str) -> String {
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A table: titles, then rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The table as CSV for Excel: BOM, `;`, CRLF.
pub fn csv(table: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let titles: Vec<String> = table.columns.iter().map(|t| quoted(t)).collect();
    out.push_str(&titles.join(";"));
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    csv_rows(table, &mut out);
    out
}

/// The table's rows (not its titles) appended as CSV lines.
fn csv_rows(table: &Table, out: &mut Vec<u8>) {
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(Cell::csv).collect();
        out.extend_from_slice(cells.join(";").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

fn xlsx_error(err: XlsxError) -> AppError {
    AppError::Internal(format!("an XLSX file could not be written: {err}"))
}

/// The table as an XLSX workbook of one sheet named `sheet`.
pub fn xlsx(table: &Table, sheet: &str) -> AppResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let worksheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        worksheet.set_name(sheet).map_err(xlsx_error)?;
        for (col, title) in table.columns.iter().enumerate() {
            worksheet
                .write_string_with_format(0, col as u16, title, &bold)
                .map_err(xlsx_error)?;
        }
        for (index, row) in table.rows.iter().enumerate() {
            let at = index as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                write_cell(worksheet, at, col as u16, cell, None)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
) -> AppResult<()> {
    let plain = Format::new();
    let format = format.unwrap_or(&plain);
    match cell {
        Cell::Text(text) => worksheet.write_string_with_format(row, col, text, format),
        Cell::Number(n) => worksheet.write_number_with_format(row, col, *n, format),
        Cell::Empty => worksheet.write_blank(row, col, format),
    }
    .map_err(xlsx_error)?;
    Ok(())
}

/// Hours as a number with two decimals.
fn hours(seconds: i64) -> f64 {
    (seconds as f64 / 36.0).round() / 100.0
}

/// A day as one text cell: its code and hours (`Я 8:15`), the night hours after a
/// slash (`Я 8:00/Н 2:00`); empty outside the employment.
fn day_text(mark: Option<&DayMark>) -> String {
    let Some(mark) = mark else {
        return String::new();
    };
    let mut text = mark.code.letters().to_string();
    if mark.work > 0 {
        text.push(' ');
        text.push_str(&hh_mm(mark.work));
    }
    if mark.night > 0 {
        text.push_str(&format!("/Н {}", hh_mm(mark.night)));
    }
    text
}

/// The monthly timesheet as a table: the employee, one column per day, the totals.
pub fn timesheet_table(sheet: &MonthSheet, lang: Lang) -> Table {
    let w = |id: &str| word(lang, id);
    let mut columns = vec![
        w("column-employee-id"),
        w("column-full-name"),
        w("column-tab-number"),
        w("column-department"),
        w("column-position"),
    ];
    columns.extend(sheet.dates().map(|d| d.format("%d").to_string()));
    columns.extend(
        [
            "column-days-worked",
            "column-hours",
            "column-overtime",
            "column-night",
            "column-work-on-days-off",
            "column-absences",
            "column-leave-days",
            "column-late-minutes",
        ]
        .map(w),
    );
    let rows = sheet
        .employees
        .iter()
        .map(|month| {
            let e = &month.employee;
            let mut row = vec![
                Cell::Number(e.id.0 as f64),
                Cell::Text(e.full_name.clone()),
                Cell::Text(e.tab_number.clone()),
                Cell::Text(e.department_title.clone()),
                e.position_title.clone().map_or(Cell::Empty, Cell::Text),
            ];
            row.extend(month.days.iter().map(|m| Cell::Text(day_text(m.as_ref()))));
            row.extend(totals_cells(&month.totals));
            row
        })
        .collect();
    Table { columns, rows }
}

fn totals_cells(totals: &MarkTotals) -> [Cell; 8] {
    [
        Cell::Number(totals.days_worked.into()),
        Cell::Number(hours(totals.work)),
        Cell::Number(hours(totals.overtime)),
        Cell::Number(hours(totals.night)),
        Cell::Number(hours(totals.work_on_days_off)),
        Cell::Number(totals.absences.into()),
        Cell::Number(totals.leave_days.into()),
        Cell::Number((totals.late / 60) as f64),
    ]
}

/// Which file of a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthFile {
    /// The T-13 form (XLSX).
    Form,
    /// The grid (CSV).
    Grid,
    /// Hours per employee for accounting (CSV, [`accounting_table`]).
    Accounting,
}

impl MonthFile {
    /// The form for XLSX, the grid for CSV.
    pub fn of(format: FileFormat) -> MonthFile {
        match format {
            FileFormat::Xlsx => MonthFile::Form,
            FileFormat::Csv => MonthFile::Grid,
        }
    }

    pub fn format(self) -> FileFormat {
        match self {
            MonthFile::Form => FileFormat::Xlsx,
            MonthFile::Grid | MonthFile::Accounting => FileFormat::Csv,
        }
    }
}

/// The month's file being written, chunk by chunk.
enum MonthWriter {
    Form(Box<T13Form>),
    Csv {
        file: MonthFile,
        lang: Lang,
        out: Vec<u8>,
    },
}

impl MonthWriter {
    fn start(file: MonthFile, heading: &FormHeading, sheet: &MonthSheet) -> AppResult<Self> {
        Ok(match file {
            MonthFile::Form => MonthWriter::Form(Box::new(T13Form::start(heading, sheet)?)),
            MonthFile::Grid | MonthFile::Accounting => MonthWriter::Csv {
                file,
                lang: heading.lang,
                out: Vec::new(),
            },
        })
    }

    /// Writes a chunk's employees; the CSV's head goes with the first chunk.
    fn add(&mut self, chunk: &MonthSheet) -> AppResult<()> {
        match self {
            MonthWriter::Form(form) => form.add(&chunk.employees),
            MonthWriter::Csv { file, lang, out } => {
                let table = match file {
                    MonthFile::Accounting => accounting_table(chunk),
                    _ => timesheet_table(chunk, *lang),
                };
                if out.is_empty() {
                    out.extend_from_slice(&csv(&table));
                } else {
                    csv_rows(&table, out);
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> AppResult<Vec<u8>> {
        match self {
            MonthWriter::Form(form) => form.finish(),
            MonthWriter::Csv { out, .. } => Ok(out),
        }
    }
}

fn joined(err: tokio::task::JoinError) -> AppError {
    AppError::Internal(format!("the timesheet file: {err}"))
}

/// The month's timesheet of the query as a file (paging ignored); answers the file's
/// name (without extension) and bytes. The employees are computed a chunk at a time
/// (`timesheets::MonthPlan::compute`) and each chunk is written off the async threads
/// (CPU work) while the next is computed, then dropped: memory does not grow with the
/// company. `progress(done, total)` is awaited after each chunk.
pub async fn timesheet_file<F>(
    store: &Store,
    caller: &Caller,
    query: &MonthQuery,
    file: MonthFile,
    now: i64,
    progress: impl FnMut(u64, u64) -> F,
) -> AppResult<(String, Vec<u8>)>
where
    F: Future<Output = ()>,
{
    let mut query = query.clone();
    query.page = None;
    let plan = MonthPlan::of(store, caller, &query).await?;
    let heading = plan.heading();
    let company = crate::company::get(store, caller).await?.name;
    let form_heading = FormHeading {
        company,
        lang: caller.lang,
    };
    let total = plan.len() as u64;
    // The writer goes to a blocking thread and back with each chunk; the sink is called
    // one chunk at a time.
    let writer = Mutex::new(Some(MonthWriter::start(file, &form_heading, &heading)?));
    let progress = Mutex::new(progress);
    let done = AtomicU64::new(0);
    let write_chunk = |employees: Vec<EmployeeMonth>| {
        let (writer, progress, done, heading) = (&writer, &progress, &done, &heading);
        async move {
            let count = employees.len() as u64;
            let mut chunk = heading.clone();
            chunk.employees = employees;
            let current = lock(writer).take();
            let current = tokio::task::spawn_blocking(move || {
                let mut current = current.ok_or_else(|| AppError::Internal("no writer".into()))?;
                current.add(&chunk)?;
                Ok::<_, AppError>(current)
            })
            .await
            .map_err(joined)??;
            *lock(writer) = Some(current);
            let done = done.fetch_add(count, Ordering::Relaxed) + count;
            let told = (lock(progress))(done, total);
            told.await;
            Ok(())
        }
    };
    plan.compute(store, caller, now, write_chunk).await?;
    let month = heading.first.format("%Y-%m");
    let name = match file {
        MonthFile::Accounting => format!("hours-{month}"),
        _ => format!("t13-{month}"),
    };
    let writer = lock(&writer)
        .take()
        .ok_or_else(|| AppError::Internal("no writer".into()))?;
    let bytes = tokio::task::spawn_blocking(move || writer.finish())
        .await
        .map_err(joined)??;
    Ok((name, bytes))
}

/// A lock that a panic elsewhere did not spoil (the value is still whole: it is only
/// taken and put back).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The columns of the accounting file, as 1C's data loader is set up to read them
/// (fixed Russian identifiers whatever the caller's language; docs/operations.md).
pub const ACCOUNTING_COLUMNS: [&str; 13] = [
    "ТабельныйНомер",
    "ФИО",
    "Подразделение",
    "Должность",
    "Период",
    "ДнейОтработано",
    "ЧасовОтработано",
    "ЧасовНочных",
    "ЧасовСверхурочных",
    "ЧасовВВыходныеИПраздники",
    "ДнейОтпуска",
    "ДнейБолезни",
    "ДнейНеявок",
];

/// The month's hours per employee for accounting (1C): one line per employee with the
/// columns of [`ACCOUNTING_COLUMNS`]; hours are decimals with a comma, the period
/// `YYYY-MM`. Days of sick leave (Б) are counted apart from the other time-off days.
pub fn accounting_table(sheet: &MonthSheet) -> Table {
    let period = sheet.first.format("%Y-%m").to_string();
    let rows = sheet
        .employees
        .iter()
        .map(|month| {
            let e = &month.employee;
            let t = &month.totals;
            let sick = month
                .days
                .iter()
                .flatten()
                .filter(|m| m.code == DayCode::Leave(LeaveCode::SickLeave))
                .count() as u32;
            vec![
                Cell::Text(e.tab_number.clone()),
                Cell::Text(e.full_name.clone()),
                Cell::Text(e.department_title.clone()),
                e.position_title.clone().map_or(Cell::Empty, Cell::Text),
                Cell::Text(period.clone()),
                Cell::Number(t.days_worked.into()),
                Cell::Number(hours(t.work)),
                Cell::Number(hours(t.night)),
                Cell::Number(hours(t.overtime)),
                Cell::Number(hours(t.work_on_days_off)),
                Cell::Number((t.leave_days - sick).into()),
                Cell::Number(sick.into()),
                Cell::Number(t.absences.into()),
            ]
        })
        .collect();
    Table {
        columns: ACCOUNTING_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// Who the T-13 form is for.
#[derive(Clone, Debug)]
pub struct FormHeading {
    pub company: String,
    pub lang: Lang,
}

/// Columns of the form: №, name, tab number, 16 day columns (1–15 and an empty one on
/// the first half's rows; 16–31 on the second's), then days and hours of the half,
/// and the month's days, hours, night, overtime, absences and late minutes.
const DAY_COLUMNS: u16 = 16;
const FIRST_DAY_COLUMN: u16 = 3;
const HALF_COLUMN: u16 = FIRST_DAY_COLUMN + DAY_COLUMNS;
const MONTH_COLUMN: u16 = HALF_COLUMN + 2;

/// The monthly timesheet as the T-13 form: the heading (form number, company,
/// department, period), per employee four rows (codes and hours of days 1–15, codes
/// and hours of days 16 to the end) with the half-month and month totals, and the
/// signature lines; A4 landscape, one page wide. For a whole sheet in memory; the
/// month's file is written employees by employees with [`T13Form`].
pub fn t13_form(sheet: &MonthSheet, heading: &FormHeading) -> AppResult<Vec<u8>> {
    let mut form = T13Form::start(heading, sheet)?;
    form.add(&sheet.employees)?;
    form.finish()
}

/// The T-13 form being written: the heading first, then employees in order as they
/// come (each row flushed to a temporary file by rust_xlsxwriter's constant-memory
/// mode), then the signature lines and the zip. Memory stays that of a chunk of
/// employees whatever the month's size.
pub struct T13Form {
    workbook: Workbook,
    lang: Lang,
    boxed: Format,
    name: Format,
    /// The next row to write.
    row: u32,
    /// Employees written so far (the form's № column).
    written: usize,
}

impl T13Form {
    /// A new form with its heading and the table's head; `sheet` gives the month and
    /// the department (its employees are not written).
    pub fn start(heading: &FormHeading, sheet: &MonthSheet) -> AppResult<T13Form> {
        let w = |id: &str| word(heading.lang, id);
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let title = Format::new().set_bold().set_font_size(14);
        let boxed = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_font_size(8);
        let name = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_font_size(8);
        let ws = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        ws.set_name("T-13").map_err(xlsx_error)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_column_width(0, 4).map_err(xlsx_error)?;
        ws.set_column_width(1, 28).map_err(xlsx_error)?;
        ws.set_column_width(2, 9).map_err(xlsx_error)?;
        for col in FIRST_DAY_COLUMN..HALF_COLUMN {
            ws.set_column_width(col, 5).map_err(xlsx_error)?;
        }
        for col in HALF_COLUMN..MONTH_COLUMN + 6 {
            ws.set_column_width(col, 8).map_err(xlsx_error)?;
        }
        let department = sheet
            .department
            .as_ref()
            .map_or_else(|| w("t13-all-departments"), |(_, title)| title.clone());
        let company = format!("{}: {}", w("t13-company"), heading.company);
        text(ws, 0, 1, &company, &bold)?;
        text(ws, 0, MONTH_COLUMN, &w("t13-form"), &Format::new())?;
        let department = format!("{}: {department}", w("t13-department"));
        text(ws, 1, 1, &department, &Format::new())?;
        text(ws, 2, 1, &w("t13-title"), &title)?;
        let period = format!(
            "{}: {} – {}",
            w("t13-period"),
            date_text(sheet.first),
            date_text(sheet.last)
        );
        text(ws, 3, 1, &period, &Format::new())?;

        // The table's head: two rows.
        let head = 5;
        text(ws, head, 0, &w("t13-number"), &boxed)?;
        text(ws, head, 1, &w("t13-employee"), &boxed)?;
        text(ws, head, 2, &w("t13-tab-number"), &boxed)?;
        text(ws, head, FIRST_DAY_COLUMN, &w("t13-marks"), &boxed)?;
        text(ws, head, HALF_COLUMN, &w("t13-half"), &boxed)?;
        text(ws, head, MONTH_COLUMN, &w("t13-month"), &boxed)?;
        let sub = head + 1;
        for col in 0..3 {
            text(ws, sub, col, "", &boxed)?;
        }
        for day in 0..DAY_COLUMNS {
            let label = if day < 15 {
                format!("{}/{}", day + 1, day + 16)
            } else {
                "–/31".to_string()
            };
            text(ws, sub, FIRST_DAY_COLUMN + day, &label, &boxed)?;
        }
        let month_heads = [
            "t13-days",
            "t13-hours",
            "t13-night",
            "t13-overtime",
            "t13-absences",
            "t13-late",
        ];
        text(ws, sub, HALF_COLUMN, &w("t13-days"), &boxed)?;
        text(ws, sub, HALF_COLUMN + 1, &w("t13-hours"), &boxed)?;
        for (i, id) in month_heads.iter().enumerate() {
            text(ws, sub, MONTH_COLUMN + i as u16, &w(id), &boxed)?;
        }
        Ok(T13Form {
            workbook,
            lang: heading.lang,
            boxed,
            name,
            row: sub + 1,
            written: 0,
        })
    }

    /// Writes the next employees, numbered on from those written before.
    pub fn add(&mut self, employees: &[EmployeeMonth]) -> AppResult<()> {
        let ws = self.workbook.worksheet_from_index(0).map_err(xlsx_error)?;
        for month in employees {
            self.written += 1;
            write_employee(ws, self.row, self.written, month, (&self.boxed, &self.name))?;
            self.row += 4;
        }
        Ok(())
    }

    /// The signature lines, then the file's bytes.
    pub fn finish(mut self) -> AppResult<Vec<u8>> {
        let w = |id: &str| word(self.lang, id);
        let ws = self.workbook.worksheet_from_index(0).map_err(xlsx_error)?;
        let mut row = self.row + 1;
        for id in ["t13-responsible", "t13-head", "t13-hr"] {
            let line = format!("{} ____________________________", w(id));
            text(ws, row, 1, &line, &Format::new())?;
            let small = Format::new().set_font_size(7);
            text(ws, row + 1, 1, &w("t13-signature"), &small)?;
            row += 3;
        }
        self.workbook.save_to_buffer().map_err(xlsx_error)
    }
}

fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str, format: &Format) -> AppResult<()> {
    ws.write_string_with_format(row, col, value, format)
        .map(|_| ())
        .map_err(xlsx_error)
}

fn date_text(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// An employee's four rows: codes and hours of the first half, then of the second.
/// Each row is written whole before the next (constant-memory mode flushes a row once
/// the next one is started).
fn write_employee(
    ws: &mut Worksheet,
    first_row: u32,
    number: usize,
    month: &EmployeeMonth,
    (boxed, name): (&Format, &Format),
) -> AppResult<()> {
    let e = &month.employee;
    let halves = [(0usize, 15usize), (15, month.days.len())];
    for (half, (from, to)) in halves.into_iter().enumerate() {
        let (mut codes, mut worked) = (Vec::new(), Vec::new());
        if half == 0 {
            let who = match &e.position_title {
                Some(position) => format!("{}, {position}", e.full_name),
                None => e.full_name.clone(),
            };
            codes.extend([
                Cell::Number(number as f64),
                Cell::Text(who),
                Cell::Text(e.tab_number.clone()),
            ]);
        } else {
            codes.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
        }
        worked.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
        for slot in 0..DAY_COLUMNS as usize {
            let day = from + slot;
            let (code, hours_worked) = match (day < to).then(|| month.days.get(day)).flatten() {
                Some(Some(mark)) => (
                    Cell::Text(mark.code.letters().to_string()),
                    if mark.work > 0 {
                        Cell::Number(hours(mark.work))
                    } else {
                        Cell::Empty
                    },
                ),
                Some(None) => (Cell::Text("–".into()), Cell::Empty),
                None => (Cell::Text("X".into()), Cell::Empty),
            };
            codes.push(code);
            worked.push(hours_worked);
        }
        let totals = &month.halves[half];
        codes.extend([Cell::Number(totals.days_worked.into()), Cell::Empty]);
        worked.extend([Cell::Empty, Cell::Number(hours(totals.work))]);
        if half == 0 {
            let t = &month.totals;
            codes.extend([
                Cell::Number(t.days_worked.into()),
                Cell::Number(hours(t.work)),
                Cell::Number(hours(t.night)),
                Cell::Number(hours(t.overtime)),
                Cell::Number(t.absences.into()),
                Cell::Number((t.late / 60) as f64),
            ]);
        } else {
            codes.extend(std::iter::repeat_n(Cell::Empty, 6));
        }
        worked.extend(std::iter::repeat_n(Cell::Empty, 6));
        let row = first_row + half as u32 * 2;
        for (offset, cells) in [codes, worked].iter().enumerate() {
            for (col, cell) in cells.iter().enumerate() {
                let format = if col == 1 { name } else { boxed };
                write_cell(ws, row + offset as u32, col as u16, cell, Some(format))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_for_excel_with_a_bom_semicolons_and_crlf() {
        let table = Table {
            columns: vec!["ФИО".into(), "Часов".into()],
            rows: vec![
                vec![Cell::Text("Иванов; Иван".into()), Cell::Number(8.25)],
                vec![Cell::Text("Say \"hi\"".into()), Cell::Number(8.0)],
            ],
        };
        let text = String::from_utf8(csv(&table)).expect("UTF-8");
        assert_eq!(
            text,
            "\u{feff}ФИО;Часов\r\n\"Иванов; Иван\";8,25\r\n\"Say \"\"hi\"\"\";8\r\n"
        );
    }

    #[test]
    fn every_word_is_in_every_language() {
        let ids: Vec<&str> = include_str!("../locales/ru/exports.ftl")
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .collect();
        assert!(ids.len() > 30);
        for lang in [Lang::Ru, Lang::Uz, Lang::En] {
            for id in &ids {
                assert_ne!(word(lang, id), *id, "{id} in {lang:?}");
            }
        }
    }
}
