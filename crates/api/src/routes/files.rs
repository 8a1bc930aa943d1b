//! Lists as files (CONTRACT.md §9): with `format=xlsx` or `format=csv` a report (and
//! the timesheet) answers the whole filtered range in one file (paging ignored) instead
//! of a page of JSON; Workly clients, which never send `format`, see no change. A
//! report's file is its JSON rows flattened into columns (`employee.full_name`,
//! `days.3.work_time`), the first row the column titles in the caller's language.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use davomat_app::exports::{self, Cell, FileFormat, Table, word};
use davomat_core::Lang;
use davomat_core::page::PageRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;

use crate::envelope::ListRequest;
use crate::error::{ApiError, ApiResult, Malformed};
use crate::input::{Fields, QueryValue};

/// The file a list may be asked for as.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FileParams {
    /// The whole filtered range as a file instead of a page of JSON: `xlsx` or `csv`
    /// (`;`-separated, UTF-8 with BOM, CRLF).
    #[param(value_type = Option<FileFormat>, inline)]
    format: QueryValue,
}

/// Reads the file format asked for (`format`), if any: 400/4001 for another value.
pub fn read_format(raw: Option<&str>) -> ApiResult<Option<FileFormat>> {
    let sent: FileParams = Fields::from_query(raw).request()?;
    match sent.format.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => FileFormat::parse(text)
            .map(Some)
            .ok_or_else(|| ApiError::Malformed(Malformed::QueryValue("format".into()))),
    }
}

/// A file as the answer: its type, and a name to save it under.
pub fn file_response(format: FileFormat, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// How a report answers: a page of JSON, or a file of every row.
pub struct Answer {
    pub list: ListRequest,
    file: Option<FileFormat>,
    name: &'static str,
    lang: Lang,
}

impl Answer {
    /// Reads `format`; a file asks for every row (one page as large as can be).
    pub fn new(
        mut list: ListRequest,
        raw: Option<&str>,
        name: &'static str,
        lang: Lang,
    ) -> ApiResult<Answer> {
        let file = read_format(raw)?;
        if file.is_some() {
            list.page = PageRequest {
                page: 1,
                per_page: i64::MAX as u64,
            };
        }
        Ok(Answer {
            list,
            file,
            name,
            lang,
        })
    }

    /// The rows of the page (or all of them) with their total, as JSON or as the file.
    pub fn send<T: Serialize>(&self, items: Vec<T>, total: u64) -> ApiResult<Response> {
        let Some(format) = self.file else {
            return self.list.envelope_of(items, total).render();
        };
        let rows = items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| ApiError::Internal(err.to_string()))?;
        let table = table_of(&rows, self.lang);
        let bytes = match format {
            FileFormat::Csv => exports::csv(&table),
            FileFormat::Xlsx => exports::xlsx(&table, self.name)?,
        };
        Ok(file_response(format, self.name, bytes))
    }
}

/// The rows flattened into one table: the columns every row has, in the order first met.
pub fn table_of(rows: &[Value], lang: Lang) -> Table {
    let flat: Vec<Vec<(String, Cell)>> = rows
        .iter()
        .map(|row| {
            let mut cells = Vec::new();
            flatten("", row, &mut cells);
            cells
        })
        .collect();
    let mut paths: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &flat {
        for (path, _) in row {
            if seen.insert(path.clone()) {
                paths.push(path.clone());
            }
        }
    }
    let index: std::collections::HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let rows = flat
        .into_iter()
        .map(|row| {
            let mut cells = vec![Cell::Empty; paths.len()];
            for (path, cell) in row {
                if let Some(&at) = index.get(path.as_str()) {
                    cells[at] = cell;
                }
            }
            cells
        })
        .collect();
    Table {
        columns: paths.iter().map(|p| title(p, lang)).collect(),
        rows,
    }
}

/// A column's title: the field's word in `lang` (by its path without the positions),
/// with the position of a list item after it (counted from 1); the path where no word is.
fn title(path: &str, lang: Lang) -> String {
    let mut names = Vec::new();
    let mut positions = Vec::new();
    for part in path.split('.') {
        match part.parse::<usize>() {
            Ok(n) => positions.push((n + 1).to_string()),
            Err(_) => names.push(part),
        }
    }
    let key = format!("field-{}", names.join("-"));
    let mut text = match word(lang, &key) {
        found if found != key => found,
        _ => names.join("."),
    };
    for position in positions {
        text.push_str(&format!(" {position}"));
    }
    text
}

/// Scalars of a JSON value by their dotted path; photos are links, not data, and left out.
fn flatten(path: &str, value: &Value, out: &mut Vec<(String, Cell)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if key != "photos" {
                    flatten(&join(key), value, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), item, out);
            }
        }
        Value::Null => out.push((path.to_string(), Cell::Empty)),
        Value::Bool(b) => out.push((path.to_string(), Cell::Text(b.to_string()))),
        Value::Number(n) => out.push((
            path.to_string(),
            n.as_f64().map_or(Cell::Empty, Cell::Number),
        )),
        Value::String(s) => out.push((path.to_string(), Cell::Text(s.clone()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_flatten_into_titled_columns() {
        let rows = vec![
            json!({"employee": {"full_name": "A", "photos": {"x": "u"}}, "date": "2025-03-03",
                   "days": [{"work_time": "08:00"}]}),
            json!({"employee": {"full_name": "B"}, "date": "2025-03-04", "late": 5}),
        ];
        let table = table_of(&rows, Lang::Ru);
        assert_eq!(table.columns, ["ФИО", "Дата", "Отработано 1", "late"]);
        assert_eq!(table.rows[1][0], Cell::Text("B".into()));
        assert_eq!(table.rows[1][2], Cell::Empty);
        assert_eq!(table.rows[1][3], Cell::Number(5.0));
    }
}
