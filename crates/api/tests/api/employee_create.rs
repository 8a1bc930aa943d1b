//! Hiring (`POST /v1/employees`), the first letters (`GET /v1/employees/letter`) and an
//! employee's locations (`GET /v1/employees/{id}/locations`).

use davomat_core::{Lang, Role};
use davomat_store::testing::{execute, scalar};
use serde_json::{Value, json};

use crate::support::{ADMIN_EMAIL, Reply, TestApp, each_backend, field_pairs};

/// The default department, schedule and location of the test company.
struct Defaults {
    department: i64,
    schedule: i64,
    location: i64,
}

async fn first_id(app: &TestApp, table: &str, company: i64) -> i64 {
    scalar(
        &app.store,
        &format!("SELECT min(id) FROM {table} WHERE company_id = $1"),
        &[company],
    )
    .await
}

async fn defaults_of(app: &TestApp, company: i64) -> Defaults {
    Defaults {
        department: first_id(app, "departments", company).await,
        schedule: first_id(app, "schedules", company).await,
        location: first_id(app, "locations", company).await,
    }
}

async fn created(reply: Reply) -> Value {
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

async fn location(app: &TestApp, token: &str, title: &str, lat: &str, lon: &str) -> i64 {
    let body = json!({"title": title, "latitude": lat, "longitude": lon, "radius": 100});
    created(app.post_json("/v1/locations", &body, Some(token)).await).await["id"]
        .as_i64()
        .expect("location id")
}

async fn position(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"title": title});
    created(app.post_json("/v1/positions", &body, Some(token)).await).await["items"]["id"]
        .as_i64()
        .expect("position id")
}

async fn department(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"title": title});
    created(app.post_json("/v1/departments", &body, Some(token)).await).await["id"]
        .as_i64()
        .expect("department id")
}

/// The smallest valid body.
fn minimal(d: &Defaults, first_name: &str) -> Value {
    json!({
        "first_name": first_name,
        "department_id": d.department,
        "locations": [d.location],
        "schedule_id": d.schedule,
        "start_date": "2025-03-01",
        "schedule_start_date": "2025-03-01",
    })
}

async fn post_form(app: &TestApp, token: &str, body: &str) -> Reply {
    app.send(
        app.http
            .post(app.url("/v1/employees"))
            .header("content-type", "application/x-www-form-urlencoded")
            .bearer_auth(token)
            .body(body.to_string()),
    )
    .await
}

#[tokio::test]
async fn an_admin_hires_with_every_field_and_a_login() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let company = app.company.company_id.0;
        let d = defaults_of(&app, company).await;
        let office = location(&app, &token, "Office", "41.3", "69.2").await;
        let lead = position(&app, &token, "Team Leader").await;
        let body = json!({
            "first_name": "Gʻayrat",
            "last_name": "Oʻrinboyev",
            "patronymic": "Anvarovich",
            "birth_date": "1990-04-06",
            "gender": "male",
            "department_id": d.department,
            "positions": [lead],
            "locations": [d.location.to_string(), office.to_string()],
            "schedule_id": d.schedule,
            "start_date": "2017-08-22",
            "schedule_start_date": "2017-09-01",
            "username": "  New.Head@Test.UZ ",
            "notes": "first day",
            "work_phone": "+998 71 200 00 00",
            "mobile_phone": "",
            "home_phone": "",
            "home_address": "Toshkent, Chilonzor 5",
            "tab_number": 412,
            "bank_book": "IaOb3VpVS6",
            "role": "2",
            "department_ids": d.department.to_string(),
            "password": "head-password",
        });
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        let got = created(reply).await;
        let id = got["id"].as_i64().expect("id");
        let user_id = got["user"]["id"].as_i64().expect("user id");
        let pin = got["pin_code"].as_str().expect("pin").to_string();
        let qrcode = got["qrcode"].as_str().expect("qrcode").to_string();
        assert!(pin.parse::<u64>().is_ok(), "{pin}");
        assert!(qrcode.len() == 10 && qrcode.bytes().all(|b| b.is_ascii_digit()), "{qrcode}");
        let schedule_title = got["schedule"]["title"].clone();
        let department_title = got["department"]["title"].clone();
        let default_location = got["locations"][0]["title"].clone();
        assert_eq!(
            got,
            json!({
                "id": id,
                "last_name": "Oʻrinboyev",
                "first_name": "Gʻayrat",
                "patronymic": "Anvarovich",
                "full_name": "Oʻrinboyev Gʻayrat Anvarovich",
                "gender": "male",
                "photos": null,
                "start_date": "2017-08-22",
                "schedule_start_date": "2017-09-01",
                "pin_code": pin,
                "tab_number": "412",
                "birth_date": "1990-04-06",
                "home_address": "Toshkent, Chilonzor 5",
                "home_phone": "",
                "work_phone": "+998 71 200 00 00",
                "notes": "first day",
                "bank_book": "IaOb3VpVS6",
                "mobile_phone": "",
                "qrcode": qrcode,
                "user": {"id": user_id, "email": "new.head@test.uz"},
                "department": {"id": d.department, "title": department_title},
                "positions": [{"id": lead, "title": "Team Leader"}],
                "schedule": {"id": d.schedule, "title": schedule_title, "type": 2},
                "locations": [
                    {"id": d.location, "title": default_location},
                    {"id": office, "title": "Office"}
                ],
                "lastEmployeeSalaryRate": null,
                "lastPersonPayroll": null,
                "lastPersonFine": null,
            })
        );
        // The card reads back the same object.
        let card = app.get(&format!("/v1/employees/{id}"), Some(&token)).await;
        assert_eq!(card.body["data"], got, "{}", card.text);

        // The login works with the password, as a head overseeing the department.
        let login = app.login("new.head@test.uz", "head-password").await;
        assert_eq!(login["scope"], Role::DepartmentHead.scope());
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM user_departments WHERE user_id = $1 AND department_id = $2",
                &[user_id, d.department],
            )
            .await,
            1
        );
        let head = login["access_token"].as_str().expect("token");
        let visible = app.get("/v1/employees", Some(head)).await;
        assert_eq!(visible.status, 200, "{}", visible.text);

        // The history rows start on start_date.
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM employee_positions WHERE employee_id = $1 AND position_id = $2 AND end_date IS NULL",
                &[id, lead],
            )
            .await,
            1
        );
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM employee_departments WHERE employee_id = $1 AND department_id = $2",
                &[id, d.department],
            )
            .await,
            1
        );

        // Activity: addEmployee about the employee, assignedRole with the role's name.
        let log = app
            .get("/v1/user-activities?start_date=2025-03-04", Some(&token))
            .await;
        assert_eq!(log.status, 200, "{}", log.text);
        let items = log.body["items"].as_array().expect("items").clone();
        let added = items
            .iter()
            .find(|i| i["action_name"] == "addEmployee" && i["object_id"] == id)
            .unwrap_or_else(|| panic!("addEmployee in {}", log.text));
        assert_eq!(added["person_id"], id);
        assert!(
            added["message"]
                .as_str()
                .is_some_and(|m| m.contains("Oʻrinboyev Gʻayrat Anvarovich")),
            "{added}"
        );
        let role = items
            .iter()
            .find(|i| i["action_name"] == "assignedRole" && i["person_id"] == id)
            .unwrap_or_else(|| panic!("assignedRole in {}", log.text));
        assert_eq!(role["assigned"], "Руководитель отдела");
        assert_eq!(role["object_id"], user_id);
    })
    .await;
}

#[tokio::test]
async fn form_bodies_star_locations_and_lenient_types() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let second = location(&app, &token, "Warehouse", "", "").await;
        let a = position(&app, &token, "Cashier").await;
        let b = position(&app, &token, "Driver").await;
        let form = format!(
            "first_name=Ali&department_id={}&locations=*&schedule_id={}&start_date=2025-03-01\
             &schedule_start_date=2025-03-02&positions[]={a}&positions[]={b}&note=from+a+form&tab_number=7",
            d.department, d.schedule
        );
        let got = created(post_form(&app, &token, &form).await).await;
        let locations: Vec<i64> = got["locations"]
            .as_array()
            .expect("locations")
            .iter()
            .map(|l| l["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(locations, vec![d.location, second]);
        assert_eq!(got["positions"], json!([{"id": a, "title": "Cashier"}, {"id": b, "title": "Driver"}]));
        assert_eq!(got["notes"], "from a form");
        assert_eq!(got["tab_number"], "7");
        assert_eq!(got["user"], Value::Null);
        assert_eq!(got["patronymic"], "");
        assert_eq!(got["gender"], Value::Null);
        assert_eq!(got["birth_date"], Value::Null);

        // Comma-separated ids in a form, numbers as strings in JSON, "*" in a list.
        let form = format!(
            "first_name=Bobur&department_id={}&locations={},{second}&schedule_id={}&start_date=2025-03-01\
             &schedule_start_date=2025-03-01&positions={a},{b}",
            d.department, d.location, d.schedule
        );
        let got = created(post_form(&app, &token, &form).await).await;
        assert_eq!(got["locations"].as_array().map(Vec::len), Some(2));
        assert_eq!(got["positions"].as_array().map(Vec::len), Some(2));
        let body = json!({
            "first_name": "Dilshod", "department_id": d.department.to_string(),
            "locations": ["*"], "schedule_id": d.schedule.to_string(),
            "start_date": "2025-03-01", "schedule_start_date": "2025-03-01",
            "positions": "", "last_name": "", "gender": "FEMALE", "notes": ""
        });
        let got = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        assert_eq!(got["locations"].as_array().map(Vec::len), Some(2));
        assert_eq!(got["positions"], json!([]));
        assert_eq!(got["full_name"], "Dilshod");
        assert_eq!(got["gender"], "female");
        assert_eq!(got["notes"], Value::Null);

        // Pin codes and qrcodes differ between employees.
        let codes = scalar(
            &app.store,
            "SELECT count(DISTINCT pin_code) + count(DISTINCT qrcode) - 2 * count(*) FROM employees WHERE company_id = $1",
            &[app.company.company_id.0],
        )
        .await;
        assert_eq!(codes, 0);
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_is_reported_at_once() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        let o = defaults_of(&app, other.company_id.0).await;

        let reply = app
            .post_json("/v1/employees", &json!({}), Some(&token))
            .await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[
                ("department_id", 8002),
                ("first_name", 8002),
                ("locations", 8002),
                ("schedule_id", 8002),
                ("schedule_start_date", 8002),
                ("start_date", 8002),
            ])
        );

        let body = json!({
            "first_name": "Al",
            "last_name": "<script>",
            "patronymic": "x".repeat(71),
            "gender": "other",
            "birth_date": "06.04.1990",
            "department_id": o.department,
            "schedule_id": o.schedule,
            "locations": [d.location, o.location],
            "positions": [999_999],
            "start_date": "2025-13-01",
            "schedule_start_date": "2025-03-01",
            "username": "not-an-email",
            "role": 9,
            "password": "short",
            "home_phone": "1".repeat(201),
            "home_address": "a".repeat(256),
            "tab_number": {"x": 1},
        });
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[
                ("birth_date", 8009),
                ("department_id", 8004),
                ("first_name", 8003),
                ("gender", 8003),
                ("home_address", 8003),
                ("home_phone", 8003),
                ("last_name", 8003),
                ("locations", 8004),
                ("password", 8003),
                ("patronymic", 8003),
                ("positions", 8004),
                ("role", 8006),
                ("schedule_id", 8004),
                ("start_date", 8009),
                ("tab_number", 8003),
                ("username", 8007),
            ]),
            "{}",
            reply.text
        );

        // Taken values, dates out of order, department_ids and the login rules.
        let mut first = minimal(&d, "Farrux");
        first["tab_number"] = json!("T-1");
        created(app.post_json("/v1/employees", &first, Some(&token)).await).await;
        let mut body = minimal(&d, "Sardor");
        body["tab_number"] = json!(" T-1 ");
        body["username"] = json!(ADMIN_EMAIL.to_uppercase());
        body["start_date"] = json!("2025-03-10");
        body["schedule_start_date"] = json!("2025-03-09");
        body["role"] = json!(3);
        body["department_ids"] = json!([d.department, o.department]);
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[
                ("department_ids", 8004),
                ("schedule_start_date", 8010),
                ("tab_number", 8008),
                ("username", 8008),
            ]),
            "{}",
            reply.text
        );
        // Another company's user's email is taken too (unique server-wide).
        let mut body = minimal(&d, "Sardor");
        body["username"] = json!("boss@other.uz");
        body["department_ids"] = json!([d.department]);
        body["role"] = json!("abc");
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("role", 8006), ("username", 8008)]),
            "{}",
            reply.text
        );
        let mut body = minimal(&d, "Sardor");
        body["password"] = json!("long-enough");
        body["department_ids"] = json!([d.department]);
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("department_ids", 8003), ("username", 8002)]),
            "{}",
            reply.text
        );
        let mut body = minimal(&d, "Sardor");
        body["role"] = json!(4);
        body["locations"] = json!([]);
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("locations", 8002), ("username", 8002)]),
            "{}",
            reply.text
        );
        // Nothing of the refused requests was written.
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM employees WHERE company_id = $1",
                &[app.company.company_id.0],
            )
            .await,
            2
        );
    })
    .await;
}

/// The PIN code of the employee `id` as the card shows it.
async fn pin_of(app: &TestApp, token: &str, id: &Value) -> Value {
    let card = app.get(&format!("/v1/employees/{id}"), Some(token)).await;
    assert_eq!(card.status, 200, "{}", card.text);
    card.body["data"]["pin_code"].clone()
}

#[tokio::test]
async fn a_hire_keeps_the_pin_code_sent_or_gets_a_free_one() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let company = app.company.company_id.0;
        let d = defaults_of(&app, company).await;

        // Sent: kept as text, leading zeros and all, trimmed; a number reads as its digits.
        let mut body = minimal(&d, "Enrolled");
        body["pin_code"] = json!(" 0417 ");
        let enrolled = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        assert_eq!(enrolled["pin_code"], "0417");
        assert_eq!(pin_of(&app, &token, &enrolled["id"]).await, "0417");
        let mut body = minimal(&d, "Numbered");
        body["pin_code"] = json!(1234567890_i64);
        let numbered = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        assert_eq!(pin_of(&app, &token, &numbered["id"]).await, "1234567890");
        let form = format!(
            "first_name=Formed&department_id={}&locations={}&schedule_id={}&start_date=2025-03-01\
             &schedule_start_date=2025-03-01&pin_code=0009",
            d.department, d.location, d.schedule
        );
        let formed = created(post_form(&app, &token, &form).await).await;
        assert_eq!(formed["pin_code"], "0009");

        // A head hires with a PIN too.
        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;
        let mut body = minimal(&d, "Headhired");
        body["pin_code"] = json!("5150");
        let by_head = created(app.post_json("/v1/employees", &body, Some(&head)).await).await;
        assert_eq!(pin_of(&app, &token, &by_head["id"]).await, "5150");

        // Absent or empty: generated, and never a PIN given by hand. Seven employees
        // once this one is in, so the next generated PIN would start at 1008.
        let mut body = minimal(&d, "Handset");
        body["pin_code"] = json!("1008");
        created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        let generated = created(
            app.post_json("/v1/employees", &minimal(&d, "Generated"), Some(&token))
                .await,
        )
        .await;
        let pin = generated["pin_code"].as_str().expect("pin").to_string();
        assert!(
            pin.len() >= 4 && pin.bytes().all(|b| b.is_ascii_digit()),
            "{pin}"
        );
        assert_ne!(pin, "1008");
        assert_eq!(pin_of(&app, &token, &generated["id"]).await, pin.as_str());
        let mut body = minimal(&d, "Blank");
        body["pin_code"] = json!("");
        let blank = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        assert!(blank["pin_code"].as_str().is_some_and(|p| p.len() >= 4));
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) - count(DISTINCT pin_code) FROM employees WHERE company_id = $1",
                &[company],
            )
            .await,
            0
        );

        // Digits only, 4 to 10 of them: 8003, reported with the other failing fields.
        for wrong in [
            json!("123"),
            json!("12a4"),
            json!("12345678901"),
            json!("-1234"),
            json!("１２３４"),
            json!([1234]),
        ] {
            let mut body = minimal(&d, "Wrong");
            body["pin_code"] = wrong.clone();
            let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                field_pairs(&[("pin_code", 8003)]),
                "{wrong}: {}",
                reply.text
            );
        }
        let mut body = minimal(&d, "Al");
        body["pin_code"] = json!("12");
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        assert_eq!(
            reply.sorted_field_errors(),
            field_pairs(&[("first_name", 8003), ("pin_code", 8003)])
        );

        // Another employee's PIN, whatever their status: 8008.
        let mut body = minimal(&d, "Twin");
        body["pin_code"] = json!("0417");
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        reply.assert_error(422, 8001);
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("pin_code", 8008)]),
            "{}",
            reply.text
        );
        execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[enrolled["id"].as_i64().expect("id")],
        )
        .await;
        let reply = app.post_json("/v1/employees", &body, Some(&token)).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("pin_code", 8008)]),
            "{}",
            reply.text
        );
        body["pin_code"] = generated["pin_code"].clone();
        let reply = app.post_json("/v1/employees", &body, Some(&head)).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("pin_code", 8008)]),
            "{}",
            reply.text
        );
        let employees = scalar(
            &app.store,
            "SELECT count(*) FROM employees WHERE company_id = $1",
            &[company],
        )
        .await;

        // Another company's employee's PIN is free here.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        execute(
            &app.store,
            "UPDATE employees SET pin_code = '4242' WHERE id = $1",
            &[other.admin_employee_id.0],
        )
        .await;
        let mut body = minimal(&d, "Elsewhere");
        body["pin_code"] = json!("4242");
        let twin = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        assert_eq!(pin_of(&app, &token, &twin["id"]).await, "4242");
        // Only that one was written since the refusals.
        assert_eq!(
            scalar(
                &app.store,
                "SELECT count(*) FROM employees WHERE company_id = $1",
                &[company],
            )
            .await,
            employees + 1
        );
    })
    .await;
}

#[tokio::test]
async fn heads_hire_into_their_departments_and_others_may_not_hire() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let elsewhere = department(&app, &token, "Elsewhere").await;
        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;

        let got = created(
            app.post_json("/v1/employees", &minimal(&d, "Hired"), Some(&head))
                .await,
        )
        .await;
        assert_eq!(got["department"]["id"], d.department);
        let mut body = minimal(&d, "Hired");
        body["role"] = json!(5);
        body["username"] = json!("plain@test.uz");
        created(app.post_json("/v1/employees", &body, Some(&head)).await).await;

        let mut body = minimal(&d, "Outside");
        body["department_id"] = json!(elsewhere);
        app.post_json("/v1/employees", &body, Some(&head))
            .await
            .assert_error(403, 7004);

        let mut body = minimal(&d, "Promoted");
        body["role"] = json!(2);
        body["username"] = json!("promoted@test.uz");
        let reply = app.post_json("/v1/employees", &body, Some(&head)).await;
        reply.assert_error(422, 8001);
        assert_eq!(reply.field_errors(), field_pairs(&[("role", 8005)]));

        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        let o = defaults_of(&app, other.company_id.0).await;
        let mut body = minimal(&d, "Foreign");
        body["department_id"] = json!(o.department);
        let reply = app.post_json("/v1/employees", &body, Some(&head)).await;
        assert_eq!(
            reply.field_errors(),
            field_pairs(&[("department_id", 8004)])
        );

        for (email, role) in [
            ("manager@test.uz", Role::DepartmentManager),
            ("observer@test.uz", Role::Observer),
            ("staff@test.uz", Role::Employee),
        ] {
            let (_, other_token) = app.add_user(email, role, "Someone").await;
            app.post_json("/v1/employees", &minimal(&d, "Nobody"), Some(&other_token))
                .await
                .assert_error(403, 7004);
        }
        app.post_json("/v1/employees", &minimal(&d, "Nobody"), None)
            .await
            .assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn the_employee_limit_refuses_one_more() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let company = app.company.company_id.0;
        let first = created(
            app.post_json("/v1/employees", &minimal(&d, "Kamola"), Some(&token))
                .await,
        )
        .await;
        // Two active now (the admin and Kamola): a limit of 2 is reached.
        execute(
            &app.store,
            "UPDATE companies SET employee_limit = 2 WHERE id = $1",
            &[company],
        )
        .await;
        // Checked before the body (400 comes before 422).
        app.post_json("/v1/employees", &json!({}), Some(&token))
            .await
            .assert_error(400, 7012);
        app.post_json("/v1/employees", &minimal(&d, "Malika"), Some(&token))
            .await
            .assert_error(400, 7012);
        // Dismissed employees do not count.
        execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[first["id"].as_i64().expect("id")],
        )
        .await;
        created(
            app.post_json("/v1/employees", &minimal(&d, "Malika"), Some(&token))
                .await,
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn letters_are_distinct_sorted_active_and_scoped() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        let elsewhere = department(&app, &token, "Elsewhere").await;
        for name in ["bobur", "Anvar", "Akmal", "Олег"] {
            created(
                app.post_json("/v1/employees", &minimal(&d, name), Some(&token))
                    .await,
            )
            .await;
        }
        let mut body = minimal(&d, "Zafar");
        body["department_id"] = json!(elsewhere);
        let zafar = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        let gone = created(
            app.post_json("/v1/employees", &minimal(&d, "Yusuf"), Some(&token))
                .await,
        )
        .await;
        execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[gone["id"].as_i64().expect("id")],
        )
        .await;

        let all = app.get("/v1/employees/letter", Some(&token)).await;
        assert_eq!(all.status, 200, "{}", all.text);
        // Bare list; Latin before Cyrillic (the admin is «Администратор»).
        assert_eq!(all.body, json!({"items": ["A", "B", "Z", "А", "О"]}));

        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;
        let scoped = app.get("/v1/employees/letter", Some(&head)).await;
        assert_eq!(scoped.body, json!({"items": ["A", "B", "R", "А", "О"]}));
        let (_, staff) = app
            .add_user("staff@test.uz", Role::Employee, "шухрат")
            .await;
        let mine = app.get("/v1/employees/letter", Some(&staff)).await;
        assert_eq!(mine.body, json!({"items": ["Ш"]}));
        assert_eq!(zafar["first_name"], "Zafar");
    })
    .await;
}

fn ids_of(reply: &Reply) -> Vec<i64> {
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items in {}", reply.text))
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn an_employees_locations_by_id_or_by_distance_in_scope() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let d = defaults_of(&app, app.company.company_id.0).await;
        // Samarkand, Tashkent centre, Chilonzor (Tashkent), and the default one without coordinates.
        let samarkand = location(&app, &token, "Samarkand", "39.6542", "66.9597").await;
        let centre = location(&app, &token, "Centre", "41.2995", "69.2401").await;
        let chilonzor = location(&app, &token, "Chilonzor", "41.2756", "69.2034").await;
        let mut body = minimal(&d, "Traveller");
        body["locations"] = json!("*");
        let traveller = created(app.post_json("/v1/employees", &body, Some(&token)).await).await;
        let id = traveller["id"].as_i64().expect("id");

        let by_id = app
            .get(&format!("/v1/employees/{id}/locations"), Some(&token))
            .await;
        assert_eq!(by_id.status, 200, "{}", by_id.text);
        assert_eq!(
            ids_of(&by_id),
            vec![d.location, samarkand, centre, chilonzor]
        );
        assert!(by_id.body.get("_meta").is_none() && by_id.body.get("_links").is_none());
        assert_eq!(
            by_id.body["items"][2],
            json!({
                "id": centre, "title": "Centre", "lat": "41.2995", "lon": "69.2401",
                "radius": 100, "address": null, "ipv4": null,
                "count_employees": 1, "count_devices": 0
            })
        );
        // Near Chilonzor: Chilonzor, the centre, Samarkand, then the one without coordinates.
        let near = app
            .get(
                &format!("/v1/employees/{id}/locations?lat=41.28&lon=69.20"),
                Some(&token),
            )
            .await;
        assert_eq!(
            ids_of(&near),
            vec![chilonzor, centre, samarkand, d.location]
        );
        let west = app
            .get(
                &format!("/v1/employees/{id}/locations?lat=39.6&lon=66.9"),
                Some(&token),
            )
            .await;
        assert_eq!(
            ids_of(&west),
            vec![samarkand, chilonzor, centre, d.location]
        );
        app.get(
            &format!("/v1/employees/{id}/locations?lat=41.28"),
            Some(&token),
        )
        .await
        .assert_error(400, 4001);
        app.get(
            &format!("/v1/employees/{id}/locations?lat=abc&lon=69"),
            Some(&token),
        )
        .await
        .assert_error(400, 4001);

        // Scope: an employee sees only themself; a head their departments.
        let (me, staff) = app.add_user("staff@test.uz", Role::Employee, "Staff").await;
        let own = app
            .get(&format!("/v1/employees/{me}/locations"), Some(&staff))
            .await;
        assert_eq!(ids_of(&own), vec![d.location]);
        app.get(&format!("/v1/employees/{id}/locations"), Some(&staff))
            .await
            .assert_error(403, 7004);
        let elsewhere = department(&app, &token, "Elsewhere").await;
        let mut body = minimal(&d, "Remote");
        body["department_id"] = json!(elsewhere);
        let remote = created(app.post_json("/v1/employees", &body, Some(&token)).await).await["id"]
            .as_i64()
            .expect("id");
        let (_, head) = app
            .add_user("head@test.uz", Role::DepartmentHead, "Rustam")
            .await;
        let seen = app
            .get(&format!("/v1/employees/{id}/locations"), Some(&head))
            .await;
        assert_eq!(seen.status, 200, "{}", seen.text);
        app.get(&format!("/v1/employees/{remote}/locations"), Some(&head))
            .await
            .assert_error(403, 7004);

        // Ids that are not the company's.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        app.get(
            &format!("/v1/employees/{}/locations", other.admin_employee_id.0),
            Some(&token),
        )
        .await
        .assert_error(404, 3000);
        app.get("/v1/employees/999999/locations", Some(&token))
            .await
            .assert_error(404, 3000);
        app.get("/v1/employees/abc/locations", Some(&token))
            .await
            .assert_error(404, 3000);
    })
    .await;
}
