//! The monthly timesheet and a day's corrections over plain HTTP: the T-13 codes of a
//! month, the day's detail, a missing out added and a wrong in voided (each with the
//! reason they require) changing the cell at once, and who may see and correct.

use davomat_core::Role;

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Console, START, USER_PASSWORD, each_backend};

/// 2025-03-03 (a Monday) 09:17 in Tashkent: 17 minutes late on the 09:00 schedule.
const MONDAY_LATE: i64 = START - 24 * 3600 + 17 * 60;

/// The cell of `employee` on `day` of the page: from its `<td` to its `</td>`.
fn cell(html: &str, employee: i64, day: u32) -> String {
    let row = html
        .split(&format!("<tr data-employee=\"{employee}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("employee {employee} has a row:\n{html}"));
    let row = row.split("</tr>").next().unwrap_or_default();
    row.split("<td class=\"ts ")
        .nth(day as usize)
        .unwrap_or_else(|| panic!("day {day} in the row:\n{row}"))
        .split("</td>")
        .next()
        .unwrap_or_default()
        .to_string()
}

async fn admin(console: &Console) -> reqwest::Client {
    let client = console.visitor();
    let page = console.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.html);
    client
}

/// The event ids listed on a day page, in order.
fn event_ids(html: &str) -> Vec<String> {
    html.split("data-event=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_month_shows_codes_and_a_correction_changes_the_cell_at_once() {
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        console.clock_in(worker, MONDAY_LATE).await;
        let client = admin(&console).await;

        let month = console.get(&client, "/timesheet?month=2025-03").await;
        assert_eq!(month.status, 200, "{}", month.html);
        assert!(month.html.contains("Март 2025"), "{}", month.html);
        // Saturday 1st: a day off; Monday 3rd: came late, the out missing; Tuesday 4th
        // (today, before the grace is over at 09:00): nothing yet.
        assert!(cell(&month.html, worker, 1).contains("<b>В</b>"));
        let monday = cell(&month.html, worker, 3);
        assert!(monday.starts_with("ts-worked ts-late"), "{monday}");
        assert!(monday.contains("опоздание 00:17"), "{monday}");
        let link = format!("/timesheet/day?employee={worker}&#38;date=2025-03-03");
        assert!(monday.contains(&link), "{monday}");

        let day_path = format!("/timesheet/day?employee={worker}&date=2025-03-03");
        let day = console.get(&client, &day_path).await;
        assert_eq!(day.status, 200, "{}", day.html);
        assert!(day.html.contains("09:00–18:00"), "the plan: {}", day.html);
        assert!(day.html.contains("2025-03-03 09:17:00"), "{}", day.html);
        assert!(day.html.contains("Опоздал</dt><dd>00:17"), "{}", day.html);
        assert!(day.html.contains("Нет ухода"), "{}", day.html);
        let csrf = day.csrf();
        let location = day
            .html
            .split("name=\"location_id\"><option value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the employee's location offered")
            .to_string();

        // A missing out without a reason is refused, the form kept.
        let refused = console
            .post(
                &client,
                "/timesheet/day/add",
                &[
                    ("csrf", &csrf),
                    ("employee", &worker.to_string()),
                    ("date", "2025-03-03"),
                    ("kind", "out"),
                    ("time", "18:00"),
                    ("location_id", &location),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(
            refused.html.contains("id=\"reason-error\""),
            "{}",
            refused.html
        );
        assert!(refused.html.contains("value=\"18:00\""), "{}", refused.html);
        assert_eq!(event_ids(&refused.html).len(), 1);

        let added = console
            .post(
                &client,
                "/timesheet/day/add",
                &[
                    ("csrf", &csrf),
                    ("employee", &worker.to_string()),
                    ("date", "2025-03-03"),
                    ("kind", "out"),
                    ("time", "18:00"),
                    ("location_id", &location),
                    ("reason", "Терминал не сработал"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.html);
        let day = console
            .get(&client, &format!("{day_path}&done=added"))
            .await;
        assert!(day.html.contains("id=\"done\""), "{}", day.html);
        assert!(day.html.contains("вручную"), "{}", day.html);
        let ids = event_ids(&day.html);
        assert_eq!(ids.len(), 2, "{}", day.html);
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        let monday = cell(&month.html, worker, 3);
        // 09:17–18:00 worked through (work counts the time present, SEMANTICS.md §5).
        assert!(monday.contains("<small>8:43</small>"), "{monday}");

        // The late in voided: the day keeps only the out, and is no longer late.
        let voided = console
            .post(
                &client,
                "/timesheet/day/void",
                &[
                    ("csrf", &csrf),
                    ("employee", &worker.to_string()),
                    ("date", "2025-03-03"),
                    ("event", &ids[0]),
                    ("reason", "Чужая карта"),
                ],
            )
            .await;
        assert_eq!(voided.status, 303, "{}", voided.html);
        let day = console.get(&client, &day_path).await;
        assert!(
            day.html.contains("аннулирована: Чужая карта"),
            "{}",
            day.html
        );
        assert!(day.html.contains("Нет прихода"), "{}", day.html);
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        let monday = cell(&month.html, worker, 3);
        assert!(!monday.contains("ts-late"), "{monday}");
        assert!(!monday.contains("<small>8:43</small>"), "{monday}");
        // Voiding it again is refused with the API's words, nothing changed.
        let again = console
            .post(
                &client,
                "/timesheet/day/void",
                &[
                    ("csrf", &csrf),
                    ("employee", &worker.to_string()),
                    ("date", "2025-03-03"),
                    ("event", &ids[0]),
                    ("reason", "ещё раз"),
                ],
            )
            .await;
        assert_eq!(again.status, 422, "{}", again.html);
        assert!(again.html.contains("id=\"problems\""), "{}", again.html);

        // The log holds both corrections with their reasons.
        let log = console.get(&client, "/activity").await;
        assert!(log.html.contains("Терминал не сработал"), "{}", log.html);
        assert!(log.html.contains("Чужая карта"), "{}", log.html);
    })
    .await;
}

#[tokio::test]
async fn heads_see_and_correct_only_their_people_and_employees_see_no_timesheet() {
    each_backend(|console| async move {
        let own = console.add_department("Склад").await;
        let other = console.add_department("Бухгалтерия").await;
        let mine = console.add_employee_in("Бахтиёр", own).await;
        let theirs = console.add_employee_in("Сардор", other).await;
        console.add_head("head@test.uz", own).await;
        let head = console.visitor();
        let page = console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        assert_eq!(page.status, 303, "{}", page.html);
        let month = console.get(&head, "/timesheet?month=2025-03").await;
        assert_eq!(month.status, 200, "{}", month.html);
        assert!(month.html.contains(&format!("data-employee=\"{mine}\"")));
        assert!(!month.html.contains(&format!("data-employee=\"{theirs}\"")));
        let foreign = console
            .get(
                &head,
                &format!("/timesheet?month=2025-03&department={other}"),
            )
            .await;
        assert_eq!(foreign.status, 403, "{}", foreign.html);
        let day = console
            .get(
                &head,
                &format!("/timesheet/day?employee={theirs}&date=2025-03-03"),
            )
            .await;
        assert_eq!(day.status, 403, "{}", day.html);
        let day = console
            .get(
                &head,
                &format!("/timesheet/day?employee={mine}&date=2025-03-03"),
            )
            .await;
        assert_eq!(day.status, 200, "{}", day.html);
        assert!(
            day.html.contains("id=\"add-event\""),
            "a head corrects: {}",
            day.html
        );

        console
            .add_user("worker@test.uz", Role::Employee, "Камола")
            .await;
        let worker = console.visitor();
        console
            .sign_in(&worker, "worker@test.uz", USER_PASSWORD)
            .await;
        let month = console.get(&worker, "/timesheet").await;
        assert_eq!(month.status, 403, "{}", month.html);
    })
    .await;
}

/// An employee asks for a day off on the console; the admin approves it on the
/// time-offs page and the timesheet's cell turns from НН to the time-off's code — the
/// type's own (Б) once the type has one.
#[tokio::test]
async fn approving_a_time_off_changes_the_timesheet() {
    each_backend(|console| async move {
        let worker = console
            .add_user("worker@test.uz", Role::Employee, "Камола")
            .await;
        let sick = davomat_store::time_off_types::create(
            console.store.connection(),
            console.company.company_id,
            &davomat_store::time_off_types::TimeOffTypeFields {
                title: "Больничный".into(),
                description: String::new(),
                color: "FF0000".into(),
            },
            START,
        )
        .await
        .expect("a type");
        let employee = console.visitor();
        console
            .sign_in(&employee, "worker@test.uz", USER_PASSWORD)
            .await;
        let file = console
            .get(&employee, &format!("/employees/{worker}"))
            .await;
        let asked = console
            .post(
                &employee,
                "/me/time-offs",
                &[
                    ("csrf", &file.csrf()),
                    ("absence_id", &sick.to_string()),
                    ("start_date_time", "2025-03-03"),
                    ("end_date_time", "2025-03-03"),
                    ("description", "Температура"),
                ],
            )
            .await;
        assert_eq!(asked.status, 303, "{}", asked.html);

        let client = admin(&console).await;
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        assert!(cell(&month.html, worker, 3).contains("<b>НН</b>"));
        let pending = console.get(&client, "/time-offs?status=0").await;
        assert_eq!(pending.status, 200, "{}", pending.html);
        assert!(pending.html.contains("Температура"), "{}", pending.html);
        let id = pending
            .html
            .split("data-time-off=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the request listed")
            .to_string();
        let approved = console
            .post(
                &client,
                &format!("/time-offs/{id}/approve"),
                &[("csrf", &pending.csrf()), ("comment", "  Выздоравливайте ")],
            )
            .await;
        assert_eq!(approved.status, 303, "{}", approved.html);
        let accepted = console.get(&client, "/time-offs?status=1").await;
        assert!(accepted.html.contains("Температура"), "{}", accepted.html);
        // The decision keeps its comment: in the list and in the activity log.
        assert!(
            accepted
                .html
                .contains("<td class=\"comment\">Выздоравливайте</td>"),
            "{}",
            accepted.html
        );
        let log = console.get(&client, "/activity").await;
        assert!(
            log.html.contains("(комментарий: Выздоравливайте)"),
            "{}",
            log.html
        );
        // The month's calendar of who is away shows them on the 3rd only.
        let calendar = console
            .get(&client, "/time-offs/calendar?month=2025-03")
            .await;
        assert_eq!(calendar.status, 200, "{}", calendar.html);
        let day = |date: &str| {
            calendar
                .html
                .split(&format!("data-date=\"{date}\""))
                .nth(1)
                .and_then(|rest| rest.split("</td>").next())
                .unwrap_or_else(|| panic!("{date} in the calendar"))
                .to_string()
        };
        assert!(
            day("2025-03-03").contains("Тестов"),
            "{}",
            day("2025-03-03")
        );
        assert!(
            !day("2025-03-04").contains("Тестов"),
            "{}",
            day("2025-03-04")
        );
        // A comment longer than 500 characters is refused, the decision not taken.
        let long = "я".repeat(501);
        let refused = console
            .post(
                &client,
                &format!("/time-offs/{id}/reject"),
                &[("csrf", &pending.csrf()), ("comment", &long)],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        let still = console.get(&client, "/time-offs?status=1").await;
        assert!(still.html.contains("Выздоравливайте"), "{}", still.html);
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        // Asked on the console, the time-off is unpaid: ДО until the type has a code.
        assert!(
            cell(&month.html, worker, 3).contains("<b>ДО</b>"),
            "{}",
            cell(&month.html, worker, 3)
        );
        // The admin gives the type its code on the same page.
        let listed = console.get(&client, "/time-offs").await;
        assert!(
            listed.html.contains(&format!("id=\"code-{sick}\"")),
            "{}",
            listed.html
        );
        let saved = console
            .post(
                &client,
                &format!("/time-offs/types/{sick}/code"),
                &[("csrf", &listed.csrf()), ("timesheet_code", "Б")],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let refused = console
            .post(
                &client,
                &format!("/time-offs/types/{sick}/code"),
                &[("csrf", &listed.csrf()), ("timesheet_code", "Я")],
            )
            .await;
        assert_eq!(refused.status, 422, "not a time-off code: {}", refused.html);
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        assert!(cell(&month.html, worker, 3).contains("<b>Б</b>"));
        // The employee sees no decision buttons on their own list.
        let own = console.get(&employee, "/time-offs?status=1").await;
        assert_eq!(own.status, 200, "{}", own.html);
        assert!(!own.html.contains("id=\"approve-"));
    })
    .await;
}

/// The month downloaded from the timesheet page: the T-13 form read back with calamine
/// (the worker's Monday late and worked, the day off before it) and the CSV's columns.
#[tokio::test]
async fn the_month_downloads_as_the_t13_form_and_as_csv() {
    use calamine::{Reader, Xlsx};
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        console.clock_in(worker, MONDAY_LATE).await;
        let client = admin(&console).await;
        let month = console.get(&client, "/timesheet?month=2025-03").await;
        assert!(
            month.html.contains("id=\"download-xlsx\""),
            "{}",
            month.html
        );
        let csrf = month.csrf();
        let fetch = |format: &'static str| {
            let (client, csrf) = (client.clone(), csrf.clone());
            let console = &console;
            async move {
                let asked = console
                    .post(
                        &client,
                        "/timesheet/export",
                        &[("csrf", &csrf), ("month", "2025-03"), ("format", format)],
                    )
                    .await;
                assert_eq!(asked.status, 303, "{}", asked.html);
                let page = asked.header("location").to_string();
                assert!(page.starts_with("/files/"), "{page}");
                let shown = console.get(&client, &page).await;
                assert_eq!(shown.status, 200, "{}", shown.html);
                // The page polls its status until the file is written.
                let status = format!("{page}/status");
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                loop {
                    let part = console.get(&client, &status).await;
                    assert_eq!(part.status, 200, "{}", part.html);
                    assert!(!part.html.contains("id=\"file-error\""), "{}", part.html);
                    if part.html.contains("id=\"file-download\"") {
                        break;
                    }
                    assert!(std::time::Instant::now() < deadline, "{}", part.html);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                let response = client
                    .get(console.url(&format!("{page}/download")))
                    .send()
                    .await
                    .expect("a download");
                assert_eq!(response.status().as_u16(), 200, "{format}");
                let disposition = response.headers()["content-disposition"]
                    .to_str()
                    .expect("text")
                    .to_string();
                assert!(disposition.contains("-2025-03."), "{disposition}");
                (page, response.bytes().await.expect("bytes").to_vec())
            }
        };
        let (page, bytes) = fetch("xlsx").await;
        // A file is its asker's only.
        let own = console.add_department("Склад").await;
        console.add_head("head@test.uz", own).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        for path in [page.clone(), format!("{page}/download")] {
            let other = console.get(&head, &path).await;
            assert_eq!(other.status, 404, "{path}: {}", other.html);
        }
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("XLSX");
        let sheet = workbook
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("it reads");
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let at = rows
            .iter()
            .position(|r| r.iter().any(|c| c.contains("Тестов Alisher")))
            .expect("the worker's rows");
        // Columns D.. are days 1-15: Saturday 1st В, Monday 3rd Я (the out missing).
        assert_eq!((rows[at][3].as_str(), rows[at][5].as_str()), ("В", "Я"));
        assert!(
            rows.iter()
                .any(|r| r.iter().any(|c| c == "ТАБЕЛЬ учёта рабочего времени"))
        );

        let (_, bytes) = fetch("csv").await;
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with("\u{feff}ID сотрудника;ФИО;"), "{text}");
        let line = text
            .split("\r\n")
            .find(|l| l.contains("Тестов Alisher"))
            .expect("the worker's line");
        let cells: Vec<&str> = line.split(';').collect();
        assert_eq!((cells[5], cells[7]), ("В", "Я"));

        // Hours for accounting (1C): the fixed columns, one line per employee.
        let (_, bytes) = fetch("1c").await;
        let text = String::from_utf8(bytes).expect("UTF-8");
        let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
        assert_eq!(
            lines.next(),
            Some(
                "ТабельныйНомер;ФИО;Подразделение;Должность;Период;ДнейОтработано;\
                 ЧасовОтработано;ЧасовНочных;ЧасовСверхурочных;ЧасовВВыходныеИПраздники;\
                 ДнейОтпуска;ДнейБолезни;ДнейНеявок"
            )
        );
        let line = lines
            .find(|l| l.contains("Тестов Alisher"))
            .expect("the worker's line");
        let cells: Vec<&str> = line.split(';').collect();
        // Came on the 3rd (no out: no hours); absent on the 4th (the clock stands at
        // 09:00, the start of the shift, with no grace).
        assert_eq!(
            cells[4..],
            ["2025-03", "1", "0", "0", "0", "0", "0", "0", "1"]
        );
    })
    .await;
}

/// The month's charts: the Monday shows one late arrival, the hours by department
/// the hours worked; the same numbers as tables.
#[tokio::test]
async fn the_charts_draw_the_months_attendance_and_hours() {
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        console.clock_in(worker, MONDAY_LATE).await;
        let client = admin(&console).await;
        let page = console.get(&client, "/charts?month=2025-03").await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(
            page.html.contains("<svg class=\"chart\" role=\"img\""),
            "{}",
            page.html
        );
        assert!(
            page.html.contains("<title>3 — 1</title></rect>"),
            "{}",
            page.html
        );
        let table = page
            .html
            .split("id=\"attendance-table\"")
            .nth(1)
            .expect("the table");
        // Day 3: nobody on time, one late (the worker), the admin absent (started 03-04).
        assert!(
            table.contains("<tr><td>3</td><td>0</td><td>1</td>"),
            "{table}"
        );
        assert!(page.html.contains("id=\"hours-chart\""), "{}", page.html);
        assert!(!page.html.contains("<script>"), "no inline script draws it");
    })
    .await;
}

/// The reports as pages: the late-in report lists the late Monday with the columns of
/// the API's rows titled in Russian, downloads as XLSX (read back) and as CSV, and the
/// voiding of the late in empties it at once; a bad range gets the API's words.
#[tokio::test]
async fn the_late_in_report_page_downloads_and_follows_a_correction() {
    use calamine::{Reader, Xlsx};
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        console.clock_in(worker, MONDAY_LATE).await;
        let client = admin(&console).await;
        let path = "/reports/late-in?start_date=2025-03-01&end_date=2025-03-04";
        let page = console.get(&client, path).await;
        assert_eq!(page.status, 200, "{}", page.html);
        let table = page.html.split("id=\"report\"").nth(1).expect("a table");
        assert!(table.contains("<th scope=\"col\">ФИО</th>"), "{table}");
        assert!(table.contains("<td>Тестов Alisher</td>"), "{table}");
        assert!(table.contains("<td>00:17</td>"), "{table}");

        // The filters: a location (the worker's), a tab number nobody has, the newest
        // date first; a department and a location together are refused (the API's `f`
        // takes one kind).
        let location = page
            .html
            .split("<select id=\"location\" name=\"location\">")
            .nth(1)
            .and_then(|r| r.split("<option value=\"").nth(2))
            .and_then(|r| r.split('"').next())
            .expect("a location to choose")
            .to_string();
        let at = console
            .get(&client, &format!("{path}&location={location}&sort=desc"))
            .await;
        assert_eq!(at.status, 200, "{}", at.html);
        assert!(at.html.contains("<td>Тестов Alisher</td>"), "{}", at.html);
        assert!(at.html.contains("<option value=\"desc\" selected>"));
        let nobody = console
            .get(&client, &format!("{path}&tab_number=NO-SUCH"))
            .await;
        assert!(!nobody.html.contains("Тестов Alisher"), "{}", nobody.html);
        let department = console.add_department("Склад").await;
        let both = console
            .get(
                &client,
                &format!("{path}&department={department}&location={location}"),
            )
            .await;
        assert_eq!(both.status, 400, "{}", both.html);
        assert!(
            both.html
                .contains("Выберите отдел или локацию, не то и другое сразу."),
            "{}",
            both.html
        );
        let month = console
            .get(
                &client,
                &format!("/timesheet?month=2025-03&location={location}"),
            )
            .await;
        assert!(
            month.html.contains(&format!("data-employee=\"{worker}\"")),
            "{}",
            month.html
        );

        let response = client
            .get(console.url(&format!("{path}&format=xlsx")))
            .send()
            .await
            .expect("a download");
        assert_eq!(response.status().as_u16(), 200);
        let bytes = response.bytes().await.expect("bytes").to_vec();
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("XLSX");
        let sheet = workbook
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("reads");
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let name = rows[0].iter().position(|c| c == "ФИО").expect("ФИО");
        assert_eq!(rows[1][name], "Тестов Alisher");
        let csv = client
            .get(console.url(&format!("{path}&format=csv")))
            .send()
            .await
            .expect("a download")
            .text()
            .await
            .expect("text");
        assert!(
            csv.starts_with('\u{feff}') && csv.contains(";ФИО;"),
            "{csv}"
        );

        // The late in voided on the day's page: the report is empty at once.
        let day_path = format!("/timesheet/day?employee={worker}&date=2025-03-03");
        let day = console.get(&client, &day_path).await;
        let event = day
            .html
            .split("data-event=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the event")
            .to_string();
        let voided = console
            .post(
                &client,
                "/timesheet/day/void",
                &[
                    ("csrf", &day.csrf()),
                    ("employee", &worker.to_string()),
                    ("date", "2025-03-03"),
                    ("event", &event),
                    ("reason", "Чужая карта"),
                ],
            )
            .await;
        assert_eq!(voided.status, 303, "{}", voided.html);
        let page = console.get(&client, path).await;
        assert!(!page.html.contains("Тестов Alisher"), "{}", page.html);

        let reversed = console
            .get(
                &client,
                "/reports/late-in?start_date=2025-03-04&end_date=2025-03-01",
            )
            .await;
        assert_eq!(reversed.status, 400, "{}", reversed.html);
        assert!(
            reversed.html.contains("id=\"problems\""),
            "the API's words: {}",
            reversed.html
        );
        let unknown = console.get(&client, "/reports/payroll").await;
        assert_eq!(unknown.status, 404);
    })
    .await;
}

/// An employee's pay on the console: a rate given from March, a second from April (the
/// first then ends on 03-31), a refused rate named beside its field, the latest removed
/// (the first reopens); a department head reads but does not change.
#[tokio::test]
async fn the_payroll_page_gives_and_removes_rates() {
    each_backend(|console| async move {
        let worker = console.add_employee("Alisher").await;
        let client = admin(&console).await;
        let path = format!("/employees/{worker}/payroll");
        let page = console.get(&client, &path).await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("id=\"none-salary\""), "{}", page.html);
        let csrf = page.csrf();
        let give = |rate: &'static str, start: &'static str| {
            let (client, csrf, path) = (client.clone(), csrf.clone(), format!("{path}/salary"));
            let console = &console;
            async move {
                console
                    .post(
                        &client,
                        &path,
                        &[
                            ("csrf", &csrf),
                            ("rate", rate),
                            ("type_col", "3"),
                            ("start_date", start),
                        ],
                    )
                    .await
            }
        };
        assert_eq!(give("5000000", "2025-03-01").await.status, 303);
        assert_eq!(give("6000000.50", "2025-04-01").await.status, 303);
        let refused = give("abc", "2025-05-01").await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(
            refused.html.contains("id=\"rate-error\""),
            "{}",
            refused.html
        );
        let page = console.get(&client, &path).await;
        let table = page
            .html
            .split("id=\"salary-history\"")
            .nth(1)
            .expect("rates");
        assert!(
            table.contains("<td>5000000.00 (месяц)</td><td>2025-03-01</td><td>2025-03-31</td>"),
            "{table}"
        );
        assert!(
            table.contains("<td>6000000.50 (месяц)</td><td>2025-04-01</td><td>действует</td>"),
            "{table}"
        );
        let latest = table
            .split("data-period=\"")
            .nth(2)
            .and_then(|r| r.split('"').next())
            .expect("the latest rate")
            .to_string();
        let removed = console
            .post(
                &client,
                &format!("/employees/{worker}/payroll/salary/{latest}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(removed.status, 303, "{}", removed.html);
        let page = console.get(&client, &path).await;
        let table = page
            .html
            .split("id=\"salary-history\"")
            .nth(1)
            .expect("rates");
        assert!(
            table.contains("<td>5000000.00 (месяц)</td><td>2025-03-01</td><td>действует</td>"),
            "{table}"
        );
        assert!(!table.contains("6000000.50"), "{table}");

        let department = console.add_department("Склад").await;
        let mine = console.add_employee_in("Бахтиёр", department).await;
        console.add_head("head@test.uz", department).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        let page = console
            .get(&head, &format!("/employees/{mine}/payroll"))
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(!page.html.contains("id=\"new-rate\""), "heads read only");
        let other = console.get(&head, &path).await;
        assert_eq!(other.status, 403, "outside the head's departments");
    })
    .await;
}

/// A rate for a whole department: every active employee of it gets the rate, each
/// one's result listed; given again from an earlier date, each is refused with the API's
/// reason and nothing changes.
#[tokio::test]
async fn a_rate_for_a_department_lists_each_employees_result() {
    each_backend(|console| async move {
        let department = console.add_department("Склад").await;
        let first = console.add_employee_in("Бахтиёр", department).await;
        let second = console.add_employee_in("Сардор", department).await;
        let client = admin(&console).await;
        let page = console.get(&client, "/payroll/rates").await;
        assert_eq!(page.status, 200, "{}", page.html);
        let csrf = page.csrf();
        let give = |start: &'static str| {
            let (client, csrf) = (client.clone(), csrf.clone());
            let console = &console;
            let department = department.to_string();
            async move {
                console
                    .post(
                        &client,
                        "/payroll/rates",
                        &[
                            ("csrf", &csrf),
                            ("kind", "salary"),
                            ("department", &department),
                            ("rate", "3000000"),
                            ("type_col", "3"),
                            ("start_date", start),
                        ],
                    )
                    .await
            }
        };
        let done = give("2025-03-01").await;
        assert_eq!(done.status, 200, "{}", done.html);
        let results = done.html.split("id=\"results\"").nth(1).expect("results");
        assert_eq!(
            results.matches("class=\"accepted\"").count(),
            2,
            "{results}"
        );
        assert!(results.contains("Тестов Бахтиёр") && results.contains("Тестов Сардор"));
        for employee in [first, second] {
            let pay = console
                .get(&client, &format!("/employees/{employee}/payroll"))
                .await;
            assert!(pay.html.contains("3000000.00 (месяц)"), "{}", pay.html);
        }
        let again = give("2025-02-01").await;
        let results = again.html.split("id=\"results\"").nth(1).expect("results");
        assert_eq!(results.matches("class=\"refused\"").count(), 2, "{results}");
        let missing = console
            .post(
                &client,
                "/payroll/rates",
                &[("csrf", &csrf), ("kind", "salary"), ("rate", "1")],
            )
            .await;
        assert_eq!(missing.status, 422, "{}", missing.html);
    })
    .await;
}

/// Payroll rules and fines from the console: the active ones offered, given to one
/// employee on their page and to a whole department at once, each as the API gives
/// them (the same fine held again is refused with the API's reason); heads see no form.
#[tokio::test]
async fn payroll_rules_and_fines_are_given_to_one_and_to_a_department() {
    use davomat_store::payroll::fines::{self, FineFields};
    use davomat_store::payroll::rules::{self, RuleFields};
    each_backend(|console| async move {
        let conn = console.store.connection();
        let company = console.company.company_id;
        let rule = RuleFields {
            title: "Сдельная".into(),
            otc_algorithm_daily: false,
            is_active: true,
        };
        let rule = rules::create(conn, company, &rule, START)
            .await
            .expect("a rule");
        let retired = RuleFields {
            title: "Старая".into(),
            otc_algorithm_daily: false,
            is_active: false,
        };
        rules::create(conn, company, &retired, START)
            .await
            .expect("a rule");
        let fine = FineFields {
            title: "Опоздание".into(),
            is_active: true,
            has_dayly_fine: false,
            amount: 5_000_000,
            amount_type: 0,
        };
        let fine = fines::create(conn, company, &fine, START)
            .await
            .expect("a fine");
        let department = console.add_department("Склад").await;
        let first = console.add_employee_in("Бахтиёр", department).await;
        let second = console.add_employee_in("Сардор", department).await;
        let client = admin(&console).await;

        let path = format!("/employees/{first}/payroll");
        let page = console.get(&client, &path).await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("id=\"new-payroll\""), "{}", page.html);
        assert!(page.html.contains("Сдельная") && !page.html.contains("Старая"));
        assert!(page.html.contains("Опоздание (50000.00)"), "{}", page.html);
        let csrf = page.csrf();
        let given = console
            .post(
                &client,
                &format!("{path}/payroll"),
                &[
                    ("csrf", &csrf),
                    ("payroll_rule_id", &rule.to_string()),
                    ("start_date", "2025-03-01"),
                ],
            )
            .await;
        assert_eq!(given.status, 303, "{}", given.html);
        let missing = console
            .post(
                &client,
                &format!("{path}/fine"),
                &[("csrf", &csrf), ("fine_id", &fine.to_string())],
            )
            .await;
        assert_eq!(missing.status, 422, "{}", missing.html);
        assert!(
            missing.html.contains("id=\"fine-start-error\""),
            "{}",
            missing.html
        );
        let page = console.get(&client, &path).await;
        let rules_table = page
            .html
            .split("id=\"payroll-history\"")
            .nth(1)
            .expect("rules");
        assert!(
            rules_table.contains("<td>Сдельная</td><td>2025-03-01</td><td>действует</td>"),
            "{rules_table}"
        );

        // The fine for the whole department: both get it.
        let bulk = console.get(&client, "/payroll/rates").await;
        assert!(bulk.html.contains("id=\"new-fine\""), "{}", bulk.html);
        let give_fine = || {
            let (client, csrf) = (client.clone(), bulk.csrf());
            let console = &console;
            let (department, fine) = (department.to_string(), fine.to_string());
            async move {
                console
                    .post(
                        &client,
                        "/payroll/rates",
                        &[
                            ("csrf", &csrf),
                            ("kind", "fine"),
                            ("department", &department),
                            ("fine_id", &fine),
                            ("start_date", "2025-03-01"),
                        ],
                    )
                    .await
            }
        };
        let done = give_fine().await;
        assert_eq!(done.status, 200, "{}", done.html);
        let results = done.html.split("id=\"results\"").nth(1).expect("results");
        assert_eq!(
            results.matches("class=\"accepted\"").count(),
            2,
            "{results}"
        );
        for employee in [first, second] {
            let pay = console
                .get(&client, &format!("/employees/{employee}/payroll"))
                .await;
            let fines_table = pay.html.split("id=\"fine-history\"").nth(1).expect("fines");
            assert!(fines_table.contains("<td>Опоздание</td>"), "{fines_table}");
        }
        // Held already: each refused with the API's reason.
        let again = give_fine().await;
        let results = again.html.split("id=\"results\"").nth(1).expect("results");
        assert_eq!(results.matches("class=\"refused\"").count(), 2, "{results}");

        console.add_head("head@test.uz", department).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        let read = console.get(&head, &path).await;
        assert_eq!(read.status, 200, "{}", read.html);
        assert!(!read.html.contains("id=\"new-fine\""), "heads read only");
    })
    .await;
}
