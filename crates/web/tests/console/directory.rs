//! The directory pages over plain HTTP: the department tree (create with a refused
//! title and then correctly, move under another, delete refused while someone is in it,
//! then deleted) and positions (create, rename, delete), each with the API's messages;
//! a head reads the tree of their scope and changes nothing.

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, each_backend};

/// The id in the first link to `/{kind}/{id}` of a page whose text follows it.
fn id_of(html: &str, kind: &str, title: &str) -> i64 {
    let marker = format!("\">{title}</a>");
    let end = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {title}"));
    let start = html[..end].rfind(&format!("/{kind}/")).expect("its link") + kind.len() + 2;
    html[start..end].parse().expect("an id")
}

#[tokio::test]
async fn an_admin_builds_the_department_tree_with_the_apis_rules() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let tree = console.get(&visitor, "/departments").await;
        assert_eq!(tree.status, 200, "{}", tree.html);
        let csrf = tree.csrf();

        let blank = console
            .post(
                &visitor,
                "/departments",
                &[("csrf", &csrf), ("title", " "), ("pid", "0")],
            )
            .await;
        assert_eq!(blank.status, 422, "{}", blank.html);
        assert!(blank.html.contains("id=\"title-error\""), "{}", blank.html);

        for title in ["Склад", "Магазин"] {
            let made = console
                .post(
                    &visitor,
                    "/departments",
                    &[("csrf", &csrf), ("title", title), ("pid", "0")],
                )
                .await;
            assert_eq!(made.status, 303, "{}", made.html);
        }
        let tree = console.get(&visitor, "/departments").await;
        let store_room = id_of(&tree.html, "departments", "Склад");
        let shop = id_of(&tree.html, "departments", "Магазин");

        // A sibling's title again is refused beside the field.
        let twin = console
            .post(
                &visitor,
                "/departments",
                &[("csrf", &csrf), ("title", "склад"), ("pid", "0")],
            )
            .await;
        assert_eq!(twin.status, 422, "{}", twin.html);
        assert!(twin.html.contains("id=\"title-error\""));

        // Moved under the store room: one level deeper in the tree.
        let moved = console
            .post(
                &visitor,
                &format!("/departments/{shop}"),
                &[
                    ("csrf", &csrf),
                    ("title", "Магазин №1"),
                    ("pid", &store_room.to_string()),
                ],
            )
            .await;
        assert_eq!(moved.status, 303, "{}", moved.html);
        let tree = console.get(&visitor, "/departments").await;
        assert!(
            tree.html.contains(&format!(
                "class=\"depth-1\"><a href=\"/departments/{shop}\">Магазин №1"
            )),
            "{}",
            tree.html
        );
        // The store room is not offered as a parent of itself or under its child.
        let form = console
            .get(&visitor, &format!("/departments/{store_room}"))
            .await;
        assert!(
            !form.html.contains(&format!("<option value=\"{shop}\"")),
            "{}",
            form.html
        );

        // Someone in the shop: neither it nor the store room above it is deleted.
        console.add_employee_in("Продавец", shop).await;
        let refused = console
            .post(
                &visitor,
                &format!("/departments/{store_room}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(refused.html.contains("role=\"alert\""));
        let empty = console
            .post(
                &visitor,
                "/departments",
                &[("csrf", &csrf), ("title", "Пустой"), ("pid", "0")],
            )
            .await;
        assert_eq!(empty.status, 303);
        let tree = console.get(&visitor, "/departments").await;
        let vacant = id_of(&tree.html, "departments", "Пустой");
        let deleted = console
            .post(
                &visitor,
                &format!("/departments/{vacant}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{}", deleted.html);
        let tree = console.get(&visitor, "/departments").await;
        assert!(!tree.html.contains("Пустой"));

        // A head reads their part of the tree and changes nothing.
        console.add_head("head@test.uz", store_room).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        let theirs = console.get(&head, "/departments").await;
        assert_eq!(theirs.status, 200);
        assert!(
            theirs.html.contains("Магазин №1") && !theirs.html.contains("action=\"/departments\"")
        );
        assert_eq!(
            console
                .get(&head, &format!("/departments/{shop}"))
                .await
                .status,
            403
        );
        let forged = console
            .post(
                &head,
                "/departments",
                &[("csrf", &theirs.csrf()), ("title", "Чужой")],
            )
            .await;
        assert_eq!(forged.status, 403);
    })
    .await;
}

#[tokio::test]
async fn an_admin_creates_renames_and_deletes_a_position() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let list = console.get(&visitor, "/positions").await;
        assert_eq!(list.status, 200, "{}", list.html);
        let csrf = list.csrf();
        let blank = console
            .post(&visitor, "/positions", &[("csrf", &csrf), ("title", "")])
            .await;
        assert_eq!(blank.status, 422);
        assert!(blank.html.contains("id=\"title-error\""), "{}", blank.html);
        let made = console
            .post(
                &visitor,
                "/positions",
                &[("csrf", &csrf), ("title", "Кассир")],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.html);
        let list = console.get(&visitor, "/positions").await;
        let cashier = id_of(&list.html, "positions", "Кассир");
        let renamed = console
            .post(
                &visitor,
                &format!("/positions/{cashier}"),
                &[("csrf", &csrf), ("title", "Старший кассир")],
            )
            .await;
        assert_eq!(renamed.status, 303, "{}", renamed.html);
        assert!(
            console
                .get(&visitor, "/positions")
                .await
                .html
                .contains("Старший кассир")
        );
        let deleted = console
            .post(
                &visitor,
                &format!("/positions/{cashier}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{}", deleted.html);
        assert!(
            !console
                .get(&visitor, "/positions")
                .await
                .html
                .contains("кассир")
        );
    })
    .await;
}

/// The pairs of a four-day cycle: a day shift, a night shift, two days off.
fn night_cycle<'a>(csrf: &'a str, action: &'a str, night_end: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("action", action),
        ("title", "Сутки через трое"),
        ("type", "4"),
        ("cycle_length", "4"),
        ("c0_on", "1"),
        ("c0_start", "08:00"),
        ("c0_end", "20:00"),
        ("c0_lunch_minutes", "60"),
        ("c1_on", "1"),
        ("c1_start", "20:00"),
        ("c1_end", night_end),
    ]
}

#[tokio::test]
async fn a_shift_cycle_is_previewed_for_fourteen_days_refused_when_wrong_and_saved() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = console.get(&visitor, "/schedules/new").await;
        assert_eq!(form.status, 200, "{}", form.html);
        let csrf = form.csrf();

        // A night shift that ends when it starts: named on its row, nothing saved.
        let wrong = console
            .post(
                &visitor,
                "/schedules/new",
                &night_cycle(&csrf, "preview", "20:00"),
            )
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.html);
        assert!(
            wrong.html.contains(
                "name=\"c1_end\" value=\"20:00\" aria-label=\"День 2: Конец\" aria-invalid=\"true\""
            ),
            "{}",
            wrong.html
        );

        let preview = console
            .post(
                &visitor,
                "/schedules/new",
                &night_cycle(&csrf, "preview", "08:00"),
            )
            .await;
        assert_eq!(preview.status, 200, "{}", preview.html);
        let section = &preview.html[preview.html.find("id=\"preview\"").expect("a preview")..];
        let rows: Vec<&str> = section.split("<tr").skip(2).collect();
        assert_eq!(rows.len(), 14, "{section}");
        // Today (2025-03-04) starts the cycle: day, night, off, off, day…
        assert!(
            rows[0].contains("2025-03-04") && rows[0].contains("08:00–20:00"),
            "{}",
            rows[0]
        );
        assert!(rows[1].contains("20:00–08:00 (+1)"), "{}", rows[1]);
        assert!(rows[2].contains("Выходной") && rows[3].contains("Выходной"));
        assert!(rows[4].contains("08:00–20:00"), "{}", rows[4]);
        assert!(
            console
                .get(&visitor, "/schedules")
                .await
                .html
                .matches("<tr><td>")
                .count()
                == 1,
            "a preview saves nothing"
        );

        let saved = console
            .post(
                &visitor,
                "/schedules/new",
                &night_cycle(&csrf, "save", "08:00"),
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let list = console.get(&visitor, "/schedules").await;
        assert!(list.html.contains("Сутки через трое") && list.html.contains("Сменный"));
        let id = {
            let marker = "\">Сутки через трое</a>";
            let end = list.html.find(marker).expect("its link");
            let start = list.html[..end].rfind("/schedules/").expect("the id") + 11;
            list.html[start..end].to_string()
        };
        // Opened again: the cycle as saved.
        let again = console.get(&visitor, &format!("/schedules/{id}")).await;
        assert!(
            again
                .html
                .contains("name=\"cycle_length\" type=\"text\" inputmode=\"numeric\" value=\"4\""),
            "{}",
            again.html
        );
        assert!(again.html.contains("name=\"c1_start\" value=\"20:00\""));
        // Nobody follows it: it is deleted.
        let deleted = console
            .post(
                &visitor,
                &format!("/schedules/{id}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{}", deleted.html);

        // A fixed week from the new form's defaults previews Monday to Friday.
        let fixed = console.get(&visitor, "/schedules/new").await;
        assert!(fixed.html.contains("name=\"d1_start\" value=\"09:00\""));
        let mut pairs = vec![
            ("csrf", csrf.as_str()),
            ("action", "preview"),
            ("title", "Офис"),
            ("type", "2"),
        ];
        let days: Vec<(String, String)> = (1..=5)
            .flat_map(|w| {
                [
                    ("on", "1"),
                    ("start", "09:00"),
                    ("end", "18:00"),
                    ("lunch_start", "13:00"),
                    ("lunch_end", "14:00"),
                ]
                .map(|(k, v)| (format!("d{w}_{k}"), v.to_string()))
            })
            .collect();
        pairs.extend(days.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let week = console.post(&visitor, "/schedules/new", &pairs).await;
        assert_eq!(week.status, 200, "{}", week.html);
        let section = &week.html[week.html.find("id=\"preview\"").expect("a preview")..];
        // 2025-03-04 is a Tuesday; the 8th and 9th are the weekend.
        assert!(
            section.contains("2025-03-08</td><td>Суббота</td><td>Выходной"),
            "{section}"
        );
        assert_eq!(section.matches("09:00–18:00").count(), 10, "{section}");
    })
    .await;
}

#[tokio::test]
async fn an_admin_adds_changes_and_deletes_a_location_with_the_apis_rules() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let list = console.get(&visitor, "/locations").await;
        assert_eq!(list.status, 200, "{}", list.html);
        let csrf = list.csrf();
        let office = list.html[list.html.find("/locations/").expect("the office") + 11..]
            .split('"')
            .next()
            .expect("its id")
            .to_string();
        let wrong = console
            .post(
                &visitor,
                "/locations",
                &[
                    ("csrf", &csrf),
                    ("title", "Склад"),
                    ("latitude", "95"),
                    ("longitude", "69.2"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.html);
        assert!(
            wrong.html.contains("id=\"latitude-error\""),
            "{}",
            wrong.html
        );
        assert!(wrong.html.contains("value=\"95\""), "typed text kept");
        let made = console
            .post(
                &visitor,
                "/locations",
                &[
                    ("csrf", &csrf),
                    ("title", "Склад"),
                    ("address", "Ташкент, ул. Навои 1"),
                    ("latitude", "41.3111"),
                    ("longitude", "69.2797"),
                    ("radius", "150"),
                    ("ipv4", "10.0.0.1"),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.html);
        let list = console.get(&visitor, "/locations").await;
        assert!(list.html.contains("41.3111, 69.2797") && list.html.contains("10.0.0.1"));
        let id = id_of(&list.html, "locations", "Склад");
        let changed = console
            .post(
                &visitor,
                &format!("/locations/{id}"),
                &[
                    ("csrf", &csrf),
                    ("title", "Склад"),
                    ("radius", "300"),
                    ("ipv4", ""),
                ],
            )
            .await;
        assert_eq!(changed.status, 303, "{}", changed.html);
        let list = console.get(&visitor, "/locations").await;
        assert!(
            list.html.contains("<td>300</td>") && !list.html.contains("10.0.0.1"),
            "{}",
            list.html
        );
        // The office has the admin linked: not deleted. The store room is.
        let refused = console
            .post(
                &visitor,
                &format!("/locations/{office}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        let deleted = console
            .post(
                &visitor,
                &format!("/locations/{id}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{}", deleted.html);
    })
    .await;
}

#[tokio::test]
async fn the_holiday_calendar_takes_a_holiday_a_shortened_day_and_a_moved_saturday_and_shows_them_in_a_preview()
 {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = console.get(&visitor, "/holidays").await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("2025"), "today's year");
        let csrf = page.csrf();
        let wrong = console
            .post(
                &visitor,
                "/holidays",
                &[
                    ("csrf", &csrf),
                    ("date", "08.03.2025"),
                    ("title", "8 Марта"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.html);
        assert!(wrong.html.contains("id=\"date-error\""));
        for (date, title, kind) in [
            ("2025-03-08", "Международный женский день", "holiday"),
            ("2025-03-07", "Предпраздничный", "shortened"),
        ] {
            let added = console
                .post(
                    &visitor,
                    "/holidays",
                    &[
                        ("csrf", &csrf),
                        ("date", date),
                        ("title", title),
                        ("kind", kind),
                    ],
                )
                .await;
            assert_eq!(added.status, 303, "{}", added.html);
            assert_eq!(added.header("location"), "/holidays?year=2025");
        }
        // A Saturday moved to a working day, worked as a Monday.
        let moved = console
            .post(
                &visitor,
                "/holidays",
                &[
                    ("csrf", &csrf),
                    ("date", "2025-03-15"),
                    ("title", "Перенос рабочего дня"),
                    ("kind", "workday"),
                    ("as_weekday", "1"),
                ],
            )
            .await;
        assert_eq!(moved.status, 303, "{}", moved.html);
        let twice = console
            .post(
                &visitor,
                "/holidays",
                &[("csrf", &csrf), ("date", "2025-03-08"), ("title", "Снова")],
            )
            .await;
        assert_eq!(twice.status, 422, "one entry a date: {}", twice.html);
        let page = console.get(&visitor, "/holidays?year=2025").await;
        assert!(page.html.contains("Сокращённый на час") && page.html.contains("Суббота"));
        assert!(
            page.html.contains("Рабочий день (перенос) (Понедельник)"),
            "{}",
            page.html
        );
        assert!(
            console
                .get(&visitor, "/holidays?year=2026")
                .await
                .html
                .contains("Записей нет")
        );

        // A fixed week's preview ends an hour early on the shortened Friday.
        let mut pairs = vec![
            ("csrf", csrf.as_str()),
            ("action", "preview"),
            ("title", "Офис"),
            ("type", "2"),
        ];
        let days: Vec<(String, String)> = (1..=5)
            .flat_map(|w| {
                [("on", "1"), ("start", "09:00"), ("end", "18:00")]
                    .map(|(k, v)| (format!("d{w}_{k}"), v.to_string()))
            })
            .collect();
        pairs.extend(days.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let week = console.post(&visitor, "/schedules/new", &pairs).await;
        assert!(
            week.html
                .contains("2025-03-07</td><td>Пятница</td><td>09:00–17:00"),
            "{}",
            week.html
        );
        // The moved Saturday is planned as a Monday.
        assert!(
            week.html
                .contains("2025-03-15</td><td>Суббота</td><td>09:00–18:00"),
            "{}",
            week.html
        );

        let id = {
            let at = page.html.find("/holidays/").expect("a delete form") + 10;
            page.html[at..]
                .split('/')
                .next()
                .expect("its id")
                .to_string()
        };
        let removed = console
            .post(
                &visitor,
                &format!("/holidays/{id}/delete"),
                &[("csrf", &csrf), ("year", "2025")],
            )
            .await;
        assert_eq!(removed.status, 303, "{}", removed.html);
    })
    .await;
}

#[tokio::test]
async fn a_device_is_registered_its_token_shown_once_and_its_first_call_seen() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let list = console.get(&visitor, "/devices").await;
        assert_eq!(list.status, 200, "{}", list.html);
        let csrf = list.csrf();
        let nameless = console
            .post(
                &visitor,
                "/devices",
                &[("csrf", &csrf), ("serial_number", "")],
            )
            .await;
        assert_eq!(nameless.status, 422);
        assert!(
            nameless.html.contains("id=\"serial_number-error\""),
            "{}",
            nameless.html
        );
        let made = console
            .post(
                &visitor,
                "/devices",
                &[
                    ("csrf", &csrf),
                    ("serial_number", "ZK-001"),
                    ("type", "SpeedFace"),
                ],
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.html);
        let marker = "id=\"token\" type=\"text\" readonly value=\"";
        let start = made.html.find(marker).expect("the token, once") + marker.len();
        let token = made.html[start..]
            .split('"')
            .next()
            .expect("its end")
            .to_string();
        assert!(token.len() >= 32, "{token}");
        let again = console.get(&visitor, "/devices").await;
        assert!(!again.html.contains(&token), "shown once only");
        assert!(again.html.contains("ещё не выходило на связь"));

        // The device calls the API with its token: last heard from now.
        let answer = reqwest::Client::new()
            .get(console.url("/v1/device/commands"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("the device's call");
        assert_eq!(answer.status(), 200);
        let id = id_of(&again.html, "devices", "ZK-001");
        let page = console.get(&visitor, &format!("/devices/{id}")).await;
        assert!(
            page.html.contains("id=\"last-seen\">2025-03-04"),
            "{}",
            page.html
        );
        assert!(page.html.contains("id=\"no-commands\""));

        let deleted = console
            .post(
                &visitor,
                &format!("/devices/{id}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{}", deleted.html);
        let refused = reqwest::Client::new()
            .get(console.url("/v1/device/commands"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("the device's call");
        assert_eq!(
            refused.status(),
            401,
            "a removed device's token stops working"
        );
    })
    .await;
}

#[tokio::test]
async fn an_admin_issues_rotates_and_blocks_api_clients_and_a_head_may_not() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = console.get(&visitor, "/settings").await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(page.html.contains("Test Co") && page.html.contains("Asia/Tashkent"));
        let csrf = page.csrf();
        let issued = console
            .post(&visitor, "/settings/clients", &[("csrf", &csrf)])
            .await;
        assert_eq!(issued.status, 201, "{}", issued.html);
        let value = |html: &str, id: &str| {
            let marker = format!("id=\"{id}\" type=\"text\" readonly value=\"");
            let start = html.find(&marker).expect("shown once") + marker.len();
            html[start..]
                .split('"')
                .next()
                .expect("its end")
                .to_string()
        };
        let (client_id, secret) = (
            value(&issued.html, "client-id"),
            value(&issued.html, "client-secret"),
        );
        assert!(
            !console
                .get(&visitor, "/settings")
                .await
                .html
                .contains(&secret)
        );

        // The pair logs an integrator in.
        let token_url = console.url("/v1/oauth/token");
        assert_eq!(login(&token_url, &client_id, &secret).await, 200);

        // Blocked: 426 for everything made with it.
        let blocked = console
            .post(
                &visitor,
                &format!("/settings/clients/{client_id}/state"),
                &[("csrf", &csrf), ("state", "blocked")],
            )
            .await;
        assert_eq!(blocked.status, 303, "{}", blocked.html);
        assert_eq!(login(&token_url, &client_id, &secret).await, 426);

        // Rotated: a new pair that works; the old one outdated.
        let rotated = console
            .post(
                &visitor,
                &format!("/settings/clients/{client_id}/rotate"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(rotated.status, 201, "{}", rotated.html);
        let (new_id, new_secret) = (
            value(&rotated.html, "client-id"),
            value(&rotated.html, "client-secret"),
        );
        assert_ne!(new_id, client_id);
        assert_eq!(login(&token_url, &new_id, &new_secret).await, 200);
        let page = console.get(&visitor, "/settings").await;
        assert!(page.html.contains("Устарел"), "{}", page.html);

        // Another company's client, or a head: refused.
        let unknown = console
            .post(
                &visitor,
                "/settings/clients/nope/rotate",
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(unknown.status, 404);
        let store_room = console.add_department("Склад").await;
        console.add_head("head@test.uz", store_room).await;
        let head = console.visitor();
        console.sign_in(&head, "head@test.uz", USER_PASSWORD).await;
        assert_eq!(console.get(&head, "/settings").await.status, 403);
    })
    .await;
}

/// The status of a password-grant token request through a client.
async fn login(url: &str, client_id: &str, secret: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .form(&[
            ("grant_type", "password"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("username", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .expect("a token request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_admin_makes_an_employee_a_head_of_a_department_and_keeps_the_last_admin() {
    each_backend(|console| async move {
        let store_room = console.add_department("Склад").await;
        console
            .add_user("worker@test.uz", davomat_core::Role::Employee, "Рабочий")
            .await;
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let list = console.get(&visitor, "/settings/users").await;
        assert_eq!(list.status, 200, "{}", list.html);
        let worker = {
            let marker = "\">worker@test.uz</a>";
            let end = list.html.find(marker).expect("the worker");
            let start = list.html[..end]
                .rfind("/settings/users/")
                .expect("its link")
                + 16;
            list.html[start..end].to_string()
        };
        let admin = {
            let marker = format!("\">{ADMIN_EMAIL}</a>");
            let end = list.html.find(&marker).expect("the admin");
            let start = list.html[..end]
                .rfind("/settings/users/")
                .expect("its link")
                + 16;
            list.html[start..end].to_string()
        };
        let csrf = list.csrf();
        let wrong = console
            .post(
                &visitor,
                &format!("/settings/users/{worker}"),
                &[("csrf", &csrf), ("role", "9")],
            )
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.html);
        assert!(wrong.html.contains("id=\"role-error\""));
        let made = console
            .post(
                &visitor,
                &format!("/settings/users/{worker}"),
                &[
                    ("csrf", &csrf),
                    ("role", "2"),
                    ("department_ids", &store_room.to_string()),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.html);
        let list = console.get(&visitor, "/settings/users").await;
        assert!(
            list.html.contains("Руководитель отдела") && list.html.contains("Склад"),
            "{}",
            list.html
        );
        let log = console
            .get(&visitor, "/activity?action_name=assignedRole")
            .await;
        assert!(
            log.html.contains("<code>assignedRole</code>"),
            "{}",
            log.html
        );

        // The head's next request sees the board of their department.
        let head = console.visitor();
        console
            .sign_in(&head, "worker@test.uz", USER_PASSWORD)
            .await;
        assert_eq!(console.get(&head, "/").await.status, 200);

        // The only administrator keeps the role.
        let last = console
            .post(
                &visitor,
                &format!("/settings/users/{admin}"),
                &[("csrf", &csrf), ("role", "5")],
            )
            .await;
        assert_eq!(last.status, 422, "{}", last.html);
        assert!(last.html.contains("role=\"alert\""));
        assert_eq!(
            console.get(&visitor, "/settings").await.status,
            200,
            "still an admin"
        );
    })
    .await;
}

#[tokio::test]
async fn an_admin_renames_the_company_and_sets_its_zone_and_language() {
    each_backend(|console| async move {
        let visitor = console.visitor();
        console.sign_in(&visitor, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = console.get(&visitor, "/settings").await;
        let csrf = page.csrf();
        let wrong = console
            .post(
                &visitor,
                "/settings/company",
                &[
                    ("csrf", &csrf),
                    ("name", ""),
                    ("time_zone", "Mars/Olympus"),
                    ("lang", "fr"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 422, "{}", wrong.html);
        for field in ["name", "time_zone", "lang"] {
            assert!(
                wrong.html.contains(&format!("id=\"{field}-error\"")),
                "{field}: {}",
                wrong.html
            );
        }
        let saved = console
            .post(
                &visitor,
                "/settings/company",
                &[
                    ("csrf", &csrf),
                    ("name", "Test Co Samarqand"),
                    ("time_zone", "Asia/Samarkand"),
                    ("lang", "uz"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.html);
        let page = console.get(&visitor, "/settings").await;
        assert!(
            page.html.contains("value=\"Test Co Samarqand\""),
            "{}",
            page.html
        );
        assert!(page.html.contains("value=\"Asia/Samarkand\""));
        assert!(
            page.html.contains("<option value=\"uz\" selected>"),
            "{}",
            page.html
        );
    })
    .await;
}
