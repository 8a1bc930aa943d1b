//! The employee pages over plain HTTP: the list with its search, filters and pages, the
//! file, hiring with a refused field and then correctly, editing, dismissing and
//! re-hiring, and a head's scope.

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, each_backend};

/// The number in `Найдено: N` of a list page.
fn found(html: &str) -> u64 {
    let marker = "id=\"found\">Найдено: ";
    let start = html.find(marker).expect("the count") + marker.len();
    let end = html[start..].find('<').expect("its end") + start;
    html[start..end].trim().parse().expect("a number")
}

/// The employee id of a redirect to `/employees/{id}`.
fn file_id(location: &str) -> i64 {
    location
        .strip_prefix("/employees/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a file: {location}"))
}

#[tokio::test]
async fn the_list_searches_by_name_tab_number_and_pin_and_pages_by_fifty() {
    each_backend(|console| async move {
        for i in 0..60 {
            console.add_employee(&format!("Работник{i:02}")).await;
        }
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let first = console.get(&visitor, "/employees").await;
        assert_eq!(first.status, 200, "{}", first.html);
        assert_eq!(found(&first.html), 61, "60 and the admin");
        assert_eq!(
            first.html.matches("<tr><td><a href=\"/employees/").count(),
            50
        );
        assert!(first.html.contains("rel=\"next\""), "a second page");
        let second = console.get(&visitor, "/employees?page=2").await;
        assert_eq!(
            second.html.matches("<tr><td><a href=\"/employees/").count(),
            11
        );
        assert!(second.html.contains("rel=\"prev\""));

        let named = console
            .get(
                &visitor,
                "/employees?q=%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D0%BD%D0%B8%D0%BA0",
            )
            .await;
        assert_eq!(found(&named.html), 10, "работник0… in any case");
        let id = console.add_employee("Особый").await;
        crate::support::set_text(&console, id, "tab_number", "TB-9").await;
        let by_tab = console.get(&visitor, "/employees?q=TB-9").await;
        assert_eq!(found(&by_tab.html), 1, "{}", by_tab.html);
        assert!(by_tab.html.contains(&format!("/employees/{id}\"")));
        let pin = crate::support::text_of(&console, id, "pin_code").await;
        let by_pin = console.get(&visitor, &format!("/employees?q={pin}")).await;
        assert!(by_pin.html.contains(&format!("/employees/{id}\"")));
        let nobody = console.get(&visitor, "/employees?status=dismissed").await;
        assert_eq!(found(&nobody.html), 0);
    })
    .await;
}

#[tokio::test]
async fn hiring_shows_each_refused_field_beside_it_then_hires_and_opens_the_file() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = console.get(&visitor, "/employees/new").await;
        assert_eq!(form.status, 200, "{}", form.html);
        let csrf = form.csrf();
        let department = option_value(&form.html, "department_id");
        let schedule = option_value(&form.html, "schedule_id");
        let location = checkbox_value(&form.html, "locations");

        // No first name, a date that is not one: both named, what was typed kept.
        let refused = console
            .post(
                &visitor,
                "/employees/new",
                &[
                    ("csrf", &csrf),
                    ("last_name", "Каримова"),
                    ("first_name", ""),
                    ("birth_date", "31.02.1990"),
                    ("department_id", &department),
                    ("schedule_id", &schedule),
                    ("start_date", "2025-03-01"),
                    ("schedule_start_date", "2025-03-01"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(
            refused.html.contains("id=\"first_name-error\""),
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("id=\"birth_date-error\""),
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("value=\"Каримова\""),
            "typed text kept"
        );
        assert!(
            refused.html.contains("«first_name»"),
            "the API's message: {}",
            refused.html
        );

        let hired = console
            .post(
                &visitor,
                "/employees/new",
                &[
                    ("csrf", &csrf),
                    ("last_name", "Каримова"),
                    ("first_name", "Нилуфар"),
                    ("birth_date", "1990-02-11"),
                    ("department_id", &department),
                    ("schedule_id", &schedule),
                    ("start_date", "2025-03-01"),
                    ("schedule_start_date", "2025-03-01"),
                    ("tab_number", "K-1"),
                    ("has_locations", "1"),
                    ("locations", &location),
                ],
            )
            .await;
        assert_eq!(hired.status, 303, "{}", hired.html);
        let id = file_id(hired.header("location"));
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert_eq!(file.status, 200, "{}", file.html);
        assert!(file.html.contains("Каримова Нилуфар"), "{}", file.html);
        assert!(
            file.html.contains("id=\"activity\""),
            "the hire is in the log"
        );
        assert_eq!(file.html.matches("class=\"day day-").count(), 31);

        // The same tab number again is refused beside the field.
        let taken = console
            .post(
                &visitor,
                "/employees/new",
                &[
                    ("csrf", &csrf),
                    ("first_name", "Другой"),
                    ("department_id", &department),
                    ("schedule_id", &schedule),
                    ("start_date", "2025-03-01"),
                    ("schedule_start_date", "2025-03-01"),
                    ("tab_number", "K-1"),
                    ("has_locations", "1"),
                    ("locations", &location),
                ],
            )
            .await;
        assert_eq!(taken.status, 422);
        assert!(
            taken.html.contains("id=\"tab_number-error\""),
            "{}",
            taken.html
        );

        // Without the form's token nothing is hired.
        let forged = console
            .post(&visitor, "/employees/new", &[("first_name", "Чужой")])
            .await;
        assert_eq!(forged.status, 403);
    })
    .await;
}

#[tokio::test]
async fn an_edit_dismissal_and_re_hire_show_in_the_file() {
    each_backend(|console| async move {
        let id = console.add_employee("Увольняемый").await;
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let edit = console
            .get(&visitor, &format!("/employees/{id}/edit"))
            .await;
        assert_eq!(edit.status, 200, "{}", edit.html);
        let csrf = edit.csrf();
        let department = option_value(&edit.html, "department_id");
        let schedule = option_value(&edit.html, "schedule_id");
        let saved = console
            .post(
                &visitor,
                &format!("/employees/{id}/edit"),
                &[
                    ("csrf", &csrf),
                    ("last_name", "Тестов"),
                    ("first_name", "Увольняемый"),
                    ("department_id", &department),
                    ("schedule_id", &schedule),
                    ("start_date", "2025-01-01"),
                    ("schedule_start_date", "2025-01-01"),
                    ("mobile_phone", "+998901234567"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert!(file.html.contains("+998901234567"), "{}", file.html);

        let path = format!("/employees/{id}/dismiss");
        let early = console
            .post(
                &visitor,
                &path,
                &[("csrf", &csrf), ("exp_date", "2024-01-01")],
            )
            .await;
        assert_eq!(early.status, 422, "before the start date: {}", early.html);
        let dismissed = console
            .post(
                &visitor,
                &path,
                &[("csrf", &csrf), ("exp_date", "2025-03-03")],
            )
            .await;
        assert_eq!(dismissed.status, 303, "{}", dismissed.html);
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert!(
            file.html.contains("id=\"employee-status\">Уволен"),
            "{}",
            file.html
        );
        assert!(file.html.contains("id=\"rehire\""));
        let list = console.get(&visitor, "/employees?status=dismissed").await;
        assert_eq!(found(&list.html), 1);

        let rehired = console
            .post(
                &visitor,
                &format!("/employees/{id}/rehire"),
                &[
                    ("csrf", &csrf),
                    ("efct_date", "2025-03-04"),
                    ("department_id", &department),
                    ("schedule_id", &schedule),
                ],
            )
            .await;
        assert_eq!(rehired.status, 303, "{}", rehired.html);
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert!(
            file.html.contains("id=\"employee-status\">Работает"),
            "{}",
            file.html
        );
        assert!(file.html.contains("id=\"dismiss\""));
    })
    .await;
}

#[tokio::test]
async fn a_head_sees_and_changes_only_the_people_of_their_departments() {
    each_backend(|console| async move {
        let store_dept = console.add_department("Склад").await;
        let shop_dept = console.add_department("Магазин").await;
        console.add_head("head@test.uz", store_dept).await;
        let mine = console.add_employee_in("Кладовщик", store_dept).await;
        let theirs = console.add_employee_in("Продавец", shop_dept).await;
        let visitor = console.visitor();
        console
            .sign_in(&visitor, "head@test.uz", USER_PASSWORD)
            .await;
        let list = console.get(&visitor, "/employees").await;
        assert_eq!(list.status, 200, "{}", list.html);
        assert!(list.html.contains("Кладовщик"));
        assert!(!list.html.contains("Продавец"), "{}", list.html);
        assert!(
            !list.html.contains(">Магазин<"),
            "not among the filter's departments"
        );
        let other = console.get(&visitor, &format!("/employees/{theirs}")).await;
        assert_eq!(other.status, 403);
        let edit = console
            .get(&visitor, &format!("/employees/{theirs}/edit"))
            .await;
        assert_eq!(edit.status, 403);
        let own = console.get(&visitor, &format!("/employees/{mine}")).await;
        assert_eq!(own.status, 200, "{}", own.html);
        let csrf = own.csrf();
        let refused = console
            .post(
                &visitor,
                &format!("/employees/{theirs}/dismiss"),
                &[("csrf", &csrf), ("exp_date", "2025-03-04")],
            )
            .await;
        assert_eq!(refused.status, 403);
        let missing = console.get(&visitor, "/employees/999999").await;
        assert_eq!(missing.status, 404);
    })
    .await;
}

/// The value of the first non-blank option of the select named `name`.
fn option_value(html: &str, name: &str) -> String {
    let start = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let rest = &html[start..];
    let mut search = rest;
    loop {
        let at = search.find("<option value=\"").expect("an option") + 15;
        let end = search[at..].find('"').expect("its end") + at;
        let value = &search[at..end];
        if !value.is_empty() {
            return value.to_string();
        }
        search = &search[end..];
    }
}

/// The value of the first box of the group named `name`.
fn checkbox_value(html: &str, name: &str) -> String {
    let marker = format!("type=\"checkbox\" name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no box {name}"))
        + marker.len();
    let end = html[start..].find('"').expect("its end") + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn the_activity_log_lists_the_hire_filters_by_action_and_refuses_employees() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = console.get(&visitor, "/employees/new").await;
        let csrf = form.csrf();
        let hired = console
            .post(
                &visitor,
                "/employees/new",
                &[
                    ("csrf", &csrf),
                    ("first_name", "Журнальный"),
                    ("department_id", &option_value(&form.html, "department_id")),
                    ("schedule_id", &option_value(&form.html, "schedule_id")),
                    ("start_date", "2025-03-01"),
                    ("schedule_start_date", "2025-03-01"),
                    ("has_locations", "1"),
                    ("locations", &checkbox_value(&form.html, "locations")),
                ],
            )
            .await;
        let id = file_id(hired.header("location"));
        let log = console.get(&visitor, "/activity").await;
        assert_eq!(log.status, 200, "{}", log.html);
        assert!(
            log.html.contains("<code>addEmployee</code>"),
            "{}",
            log.html
        );
        assert!(log.html.contains(&format!("href=\"/employees/{id}\"")));
        let other = console
            .get(&visitor, "/activity?action_name=removeEmployee")
            .await;
        assert_eq!(found(&other.html), 0, "{}", other.html);
        let later = console
            .get(&visitor, "/activity?start_date=2025-03-05")
            .await;
        assert_eq!(found(&later.html), 0, "nothing after today");
        let unread = console
            .get(&visitor, "/activity?start_date=05.03.2025")
            .await;
        assert!(unread.html.contains("role=\"alert\""), "{}", unread.html);

        console
            .add_user("worker@test.uz", davomat_core::Role::Employee, "Рабочий")
            .await;
        let worker = console.visitor();
        console
            .sign_in(&worker, "worker@test.uz", USER_PASSWORD)
            .await;
        assert_eq!(console.get(&worker, "/activity").await.status, 403);
    })
    .await;
}

#[tokio::test]
async fn the_board_follows_an_edit_a_dismissal_and_a_hire_made_after_it_was_read() {
    each_backend(|console| async move {
        let worker = console.add_employee("Прежний").await;
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let board = console.get(&visitor, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-employees\">2<"),
            "{}",
            board.html
        );
        assert!(board.html.contains("Тестов Прежний"));

        // Renamed through the edit form: the board's line is read again.
        let edit = console
            .get(&visitor, &format!("/employees/{worker}/edit"))
            .await;
        let csrf = edit.csrf();
        let saved = console
            .post(
                &visitor,
                &format!("/employees/{worker}/edit"),
                &[
                    ("csrf", &csrf),
                    ("last_name", "Тестов"),
                    ("first_name", "Новый"),
                    ("department_id", &option_value(&edit.html, "department_id")),
                    ("schedule_id", &option_value(&edit.html, "schedule_id")),
                    ("start_date", "2025-01-01"),
                    ("schedule_start_date", "2025-01-01"),
                    ("has_locations", "1"),
                    ("locations", &checkbox_value(&edit.html, "locations")),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let board = console.get(&visitor, "/today/board").await;
        assert!(board.html.contains("Тестов Новый"), "{}", board.html);
        assert!(!board.html.contains("Тестов Прежний"));

        // Dismissed from yesterday: off the board.
        let dismissed = console
            .post(
                &visitor,
                &format!("/employees/{worker}/dismiss"),
                &[("csrf", &csrf), ("exp_date", "2025-03-03")],
            )
            .await;
        assert_eq!(dismissed.status, 303, "{}", dismissed.html);
        let board = console.get(&visitor, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-employees\">1<"),
            "{}",
            board.html
        );

        // A new employee: on it.
        console.add_employee("Новенький").await;
        let board = console.get(&visitor, "/today/board").await;
        assert!(
            board.html.contains("id=\"count-employees\">2<"),
            "{}",
            board.html
        );
        assert!(board.html.contains("Тестов Новенький"));
    })
    .await;
}

/// A multipart body of the photo form: its CSRF token and an image in `imgdata`.
pub(crate) fn photo_form(csrf: &str, image: &[u8]) -> (String, Vec<u8>) {
    let boundary = "davomat-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"imgdata\"; filename=\"face.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("a png");
    bytes.into_inner()
}

#[tokio::test]
async fn a_photo_is_uploaded_refused_when_too_small_shown_and_removed() {
    each_backend(|console| async move {
        let id = console.add_employee("Фотогеничный").await;
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert!(file.html.contains("id=\"upload-photo\""), "{}", file.html);
        assert!(
            file.html.contains("/assets/photo-preview-"),
            "the preview script"
        );
        let csrf = file.csrf();
        let send = |image: Vec<u8>, token: String| {
            let (kind, body) = photo_form(&token, &image);
            visitor
                .post(console.url(&format!("/employees/{id}/photo")))
                .header("content-type", kind)
                .body(body)
                .send()
        };
        let small = send(png(100, 100), csrf.clone()).await.expect("an upload");
        assert_eq!(small.status(), 422);
        let html = small.text().await.expect("the page");
        assert!(
            html.contains("role=\"alert\"") && html.contains("400"),
            "{html}"
        );
        let forged = send(png(400, 400), "wrong".into())
            .await
            .expect("an upload");
        assert_eq!(forged.status(), 403);

        let stored = send(png(400, 480), csrf.clone()).await.expect("an upload");
        assert_eq!(stored.status(), 303);
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        let marker = "<img class=\"photo\" src=\"";
        let start = file.html.find(marker).expect("the photo") + marker.len();
        let src = file.html[start..]
            .split('"')
            .next()
            .expect("its url")
            .replace("&amp;", "&");
        let image = console.get(&visitor, &src).await;
        assert_eq!(image.status, 200);
        assert_eq!(image.header("content-type"), "image/png");

        let removed = console
            .post(
                &visitor,
                &format!("/employees/{id}/photo/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(removed.status, 303, "{}", removed.html);
        let file = console.get(&visitor, &format!("/employees/{id}")).await;
        assert!(!file.html.contains(marker), "the photo is gone");
    })
    .await;
}

#[tokio::test]
async fn an_employee_asks_for_time_off_on_their_page_and_withdraws_it() {
    each_backend(|console| async move {
        davomat_store::time_off_types::create(
            console.store.connection(),
            console.company.company_id,
            &davomat_store::time_off_types::TimeOffTypeFields {
                title: "Отпуск".into(),
                description: String::new(),
                color: "#00aa00".into(),
            },
            crate::support::START,
        )
        .await
        .expect("a type");
        let worker = console
            .add_user("worker@test.uz", davomat_core::Role::Employee, "Рабочий")
            .await;
        let visitor = console.visitor();
        console
            .sign_in(&visitor, "worker@test.uz", USER_PASSWORD)
            .await;
        let page = console.get(&visitor, &format!("/employees/{worker}")).await;
        assert!(
            page.html.contains("id=\"request-time-off\""),
            "{}",
            page.html
        );
        let csrf = page.csrf();
        let kind = option_value(&page.html, "absence_id");
        let backwards = console
            .post(
                &visitor,
                "/me/time-offs",
                &[
                    ("csrf", &csrf),
                    ("absence_id", &kind),
                    ("start_date_time", "2025-03-06"),
                    ("end_date_time", "2025-03-05"),
                ],
            )
            .await;
        assert_eq!(backwards.status, 422, "{}", backwards.html);
        let asked = console
            .post(
                &visitor,
                "/me/time-offs",
                &[
                    ("csrf", &csrf),
                    ("absence_id", &kind),
                    ("start_date_time", "2025-03-05"),
                    ("end_date_time", "2025-03-06"),
                    ("description", "семейные обстоятельства"),
                ],
            )
            .await;
        assert_eq!(asked.status, 303, "{}", asked.html);
        let page = console.get(&visitor, &format!("/employees/{worker}")).await;
        let own = &page.html[page.html.find("id=\"own-time-offs\"").expect("listed")..];
        assert!(
            own.contains("2025-03-05") && own.contains("Ждёт решения"),
            "{own}"
        );
        let cancel = {
            let at = own.find("/me/time-offs/").expect("a withdraw form") + 14;
            own[at..].split('/').next().expect("its id").to_string()
        };
        let withdrawn = console
            .post(
                &visitor,
                &format!("/me/time-offs/{cancel}/cancel"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(withdrawn.status, 303, "{}", withdrawn.html);
        let page = console.get(&visitor, &format!("/employees/{worker}")).await;
        assert!(!page.html.contains("Ждёт решения"), "{}", page.html);
    })
    .await;
}
