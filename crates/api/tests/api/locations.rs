//! `/v1/locations`: shapes, coordinates kept as sent, counts of employees and devices,
//! validation codes, partial updates, roles, tenancy, the delete refusal, activity
//! rows, paging and form bodies.

use davomat_core::{Lang, Role};
use davomat_store::companies::CreatedCompany;
use davomat_store::testing;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, each_backend};

/// The reference's request body.
fn reference_body() -> Value {
    json!({
        "title": "Test location",
        "ipv4": "127.0.0.1",
        "address": "Tashkent",
        "latitude": "41.29373705615318",
        "longitude": "69.24595508650816",
        "radius": 300
    })
}

/// The harness company's own location, linked to the admin.
async fn main_office(app: &TestApp, token: &str) -> Value {
    let list = app.get("/v1/locations", Some(token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"][0].clone()
}

/// Creates a location as `token`; answers the reply's body.
async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let reply = app
        .call("POST", "/v1/locations", Some(token), Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

/// A second company (it has its default location); answers it and that location's id.
async fn other_company(app: &TestApp) -> (CreatedCompany, i64) {
    let other = app.second_company("other-admin@test.uz", Lang::Ru).await;
    let location = testing::scalar(
        &app.store,
        "SELECT id FROM locations WHERE company_id = $1",
        &[other.company_id.0],
    )
    .await;
    (other, location)
}

/// Places a device of the company at a location; answers its id.
async fn device_at(app: &TestApp, location: i64, serial: &str) -> i64 {
    testing::execute(
        &app.store,
        &format!(
            "INSERT INTO devices (company_id, serial_number, kind, location_id, time_zone, \
             additional_button, save_image_gallery, front_camera, photo_audit, qr_code, \
             token_hash, created_at) VALUES ($1, '{serial}', 'android', $2, 'Asia/Tashkent', \
             FALSE, FALSE, FALSE, FALSE, FALSE, 'hash-{serial}', 0)"
        ),
        &[app.company.company_id.0, location],
    )
    .await;
    testing::scalar(
        &app.store,
        &format!("SELECT id FROM devices WHERE serial_number = '{serial}'"),
        &[],
    )
    .await
}

/// A raw JSON body, sent as written (to keep number literals).
async fn raw_json(app: &TestApp, method: &str, path: &str, token: &str, body: &str) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    app.send(
        app.http
            .request(method, app.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

#[tokio::test]
async fn locations_are_created_read_listed_changed_and_deleted_in_the_reference_shape() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let office = main_office(&app, &token).await;
        let office_id = office["id"].as_i64().expect("id");
        assert_eq!(
            office,
            json!({
                "id": office_id, "title": "Главный офис", "lat": "", "lon": "", "radius": null,
                "address": null, "ipv4": null, "count_employees": 1, "count_devices": 0
            })
        );

        let created = create(&app, &token, &reference_body()).await;
        let id = created["id"].as_i64().expect("id");
        let expected = json!({
            "id": id,
            "title": "Test location",
            "lat": "41.29373705615318",
            "lon": "69.24595508650816",
            "radius": 300,
            "address": "Tashkent",
            "ipv4": "127.0.0.1",
            "count_employees": 0,
            "count_devices": 0
        });
        assert_eq!(created, expected);
        let one = app.get(&format!("/v1/locations/{id}"), Some(&token)).await;
        assert_eq!(one.status, 200, "{}", one.text);
        assert_eq!(one.body, expected);
        let list = app.get("/v1/locations", Some(&token)).await;
        assert_eq!(list.body["items"], json!([office, expected]));
        assert_eq!(
            list.body["_meta"],
            json!({"totalCount": 2, "pageCount": 1, "currentPage": 1, "perPage": 50})
        );

        // The reference's PUT body over the same location, then a partial one.
        let mut edit = reference_body();
        edit["title"] = json!("Второй этаж");
        edit["latitude"] = json!("41.2938726905277");
        edit["longitude"] = json!("69.24597090975743");
        let changed = app
            .put_json(&format!("/v1/locations/{id}"), &edit, &token)
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        let mut expected = expected.clone();
        expected["title"] = json!("Второй этаж");
        expected["lat"] = json!("41.2938726905277");
        expected["lon"] = json!("69.24597090975743");
        assert_eq!(changed.body, expected);
        let partial = app
            .put_json(
                &format!("/v1/locations/{id}"),
                &json!({"address": "", "ipv4": "", "radius": ""}),
                &token,
            )
            .await;
        assert_eq!(partial.status, 200, "{}", partial.text);
        expected["address"] = Value::Null;
        expected["ipv4"] = Value::Null;
        expected["radius"] = Value::Null;
        assert_eq!(partial.body, expected);
        // Nothing to change: the same object, nothing logged.
        for body in [
            json!({}),
            json!({"title": ""}),
            json!({"title": "Второй этаж"}),
        ] {
            let same = app
                .put_json(&format!("/v1/locations/{id}"), &body, &token)
                .await;
            assert_eq!(same.status, 200, "{}", same.text);
            assert_eq!(same.body, expected);
        }
        let cleared = app
            .put_json(
                &format!("/v1/locations/{id}"),
                &json!({"latitude": "", "longitude": ""}),
                &token,
            )
            .await;
        assert_eq!(cleared.body["lat"], "");
        assert_eq!(cleared.body["lon"], "");

        let deleted = app.delete(&format!("/v1/locations/{id}"), &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(deleted.body, json!({"message": "success"}));
        app.get(&format!("/v1/locations/{id}"), Some(&token))
            .await
            .assert_error(404, 3000);
        app.delete(&format!("/v1/locations/{id}"), &token)
            .await
            .assert_error(404, 3000);

        let admin = json!({"id": app.company.admin_user_id.0, "full_name": "Администратор"});
        for (action, count, message) in [
            (
                "createdLocation",
                1,
                "Администратор создал(а) локацию «Test location»",
            ),
            (
                "updatedLocation",
                3,
                "Администратор изменил(а) локацию «Второй этаж»",
            ),
            (
                "deletedLocation",
                1,
                "Администратор удалил(а) локацию «Второй этаж»",
            ),
        ] {
            let rows = app.activities(&token, action).await;
            assert_eq!(rows.len(), count, "{action}: {rows:?}");
            let row = &rows[0];
            assert_eq!(row["action_name"], action);
            assert_eq!(row["user"], admin);
            assert_eq!(row["object_id"], id);
            assert_eq!(row["person_id"], Value::Null);
            assert_eq!(row["message"], message);
            assert_eq!(row["created_at"], "2025-03-04 09:00:00");
        }
    })
    .await;
}

#[tokio::test]
async fn coordinates_come_back_as_the_text_sent() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        // Numbers keep their literal text; strings are kept as they are.
        let reply = raw_json(
            &app,
            "POST",
            "/v1/locations",
            &token,
            r#"{"title": "Числа", "latitude": 41.310, "longitude": -69.2459550865081600, "radius": "100"}"#,
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.body["lat"], "41.310");
        assert_eq!(reply.body["lon"], "-69.2459550865081600");
        assert_eq!(reply.body["radius"], 100);
        let id = reply.body["id"].as_i64().expect("id");
        let typed = create(
            &app,
            &token,
            &json!({"title": "Числа 2", "latitude": 41.31, "longitude": 69, "radius": 0}),
        )
        .await;
        assert_eq!(typed["lat"], "41.31");
        assert_eq!(typed["lon"], "69");
        assert_eq!(typed["radius"], 0);
        let strings = create(
            &app,
            &token,
            &json!({"title": "Строки", "latitude": "41.31", "longitude": "-180"}),
        )
        .await;
        assert_eq!(strings["lat"], "41.31");
        assert_eq!(strings["lon"], "-180");
        assert_eq!(strings["radius"], Value::Null);
        assert_eq!(strings["address"], Value::Null);
        assert_eq!(strings["ipv4"], Value::Null);
        // The names of the object (`lat`, `lon`) are read too.
        let aliases = create(
            &app,
            &token,
            &json!({"title": "Псевдонимы", "lat": "1.5", "lon": 2.25}),
        )
        .await;
        assert_eq!((aliases["lat"].clone(), aliases["lon"].clone()), (json!("1.5"), json!("2.25")));
        // PUT with a number literal.
        let changed = raw_json(
            &app,
            "PUT",
            &format!("/v1/locations/{id}"),
            &token,
            r#"{"latitude": 1.50}"#,
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body["lat"], "1.50");
        assert_eq!(changed.body["lon"], "-69.2459550865081600");
        let read = app.get(&format!("/v1/locations/{id}"), Some(&token)).await;
        assert_eq!(read.body, changed.body);
    })
    .await;
}

#[tokio::test]
async fn every_failing_field_is_reported_with_its_code() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let cases = [
            (json!({}), "title", 8002),
            (json!({"title": ""}), "title", 8002),
            (json!({"title": "  "}), "title", 8002),
            (json!({"title": "д".repeat(101)}), "title", 8003),
            (json!({"title": "Офис <1>"}), "title", 8003),
            (json!({"title": ["Офис"]}), "title", 8003),
            (json!({"title": "Главный офис"}), "title", 8008),
            (json!({"title": " главный ОФИС "}), "title", 8008),
            (json!({"title": "A", "latitude": "abc"}), "latitude", 8003),
            (
                json!({"title": "A", "latitude": "90.0001"}),
                "latitude",
                8003,
            ),
            (json!({"title": "A", "latitude": -91}), "latitude", 8003),
            (json!({"title": "A", "latitude": "41,31"}), "latitude", 8003),
            (json!({"title": "A", "latitude": "NaN"}), "latitude", 8003),
            (json!({"title": "A", "latitude": true}), "latitude", 8003),
            (json!({"title": "A", "lat": "95"}), "lat", 8003),
            (
                json!({"title": "A", "longitude": "180.5"}),
                "longitude",
                8003,
            ),
            (
                json!({"title": "A", "longitude": "-181"}),
                "longitude",
                8003,
            ),
            (json!({"title": "A", "longitude": "inf"}), "longitude", 8003),
            (json!({"title": "A", "longitude": [69]}), "longitude", 8003),
            (json!({"title": "A", "radius": "abc"}), "radius", 8003),
            (json!({"title": "A", "radius": -1}), "radius", 8003),
            (json!({"title": "A", "radius": 1.5}), "radius", 8003),
            (json!({"title": "A", "radius": 1_000_001}), "radius", 8003),
            (json!({"title": "A", "ipv4": "1".repeat(40)}), "ipv4", 8003),
            (json!({"title": "A", "ipv4": {"v": 4}}), "ipv4", 8003),
            (json!({"title": "A", "address": false}), "address", 8003),
        ];
        for (body, field, code) in cases {
            let reply = app
                .call("POST", "/v1/locations", Some(&token), Some(&body))
                .await;
            reply.assert_error(422, 8001);
            assert_eq!(
                reply.field_errors(),
                vec![(field.to_string(), code)],
                "{body}"
            );
        }
        // Every failing field at once.
        let all = app
            .call(
                "POST",
                "/v1/locations",
                Some(&token),
                Some(&json!({
                    "latitude": "x", "longitude": "200", "radius": "r", "ipv4": "9".repeat(40)
                })),
            )
            .await;
        all.assert_error(422, 8001);
        assert_eq!(
            all.field_errors(),
            vec![
                ("title".to_string(), 8002),
                ("latitude".to_string(), 8003),
                ("longitude".to_string(), 8003),
                ("radius".to_string(), 8003),
                ("ipv4".to_string(), 8003),
            ]
        );
        // Limits themselves are fine: 100 characters, ±90/±180, 39 characters of ipv4.
        let edge = create(
            &app,
            &token,
            &json!({
                "title": "д".repeat(100), "latitude": "-90", "longitude": "180",
                "ipv4": "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "radius": 1_000_000
            }),
        )
        .await;
        assert_eq!(edge["ipv4"], "2001:0db8:85a3:0000:0000:8a2e:0370:7334");
        let id = edge["id"].as_i64().expect("id");

        // PUT: the same rules, and another location's title is taken.
        let path = format!("/v1/locations/{id}");
        for (body, field, code) in [
            (json!({"title": "д".repeat(101)}), "title", 8003),
            (json!({"title": "главный офис"}), "title", 8008),
            (json!({"latitude": "100"}), "latitude", 8003),
            (json!({"radius": "1e3"}), "radius", 8003),
        ] {
            let reply = app.put_json(&path, &body, &token).await;
            reply.assert_error(422, 8001);
            assert_eq!(reply.field_errors(), vec![(field.to_string(), code)]);
        }
        let unchanged = app.get(&path, Some(&token)).await;
        assert_eq!(unchanged.body, edge);
        assert!(app.activities(&token, "updatedLocation").await.is_empty());
        assert_eq!(app.activities(&token, "createdLocation").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn counts_follow_active_employees_and_devices_and_delete_waits_for_employees() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let office = main_office(&app, &token).await;
        let office_id = office["id"].as_i64().expect("id");
        // add_user links the default location.
        let (worker, _) = app.add_user("w@test.uz", Role::Employee, "Рабочий").await;
        let (gone, _) = app.add_user("g@test.uz", Role::Employee, "Уволенный").await;
        testing::execute(
            &app.store,
            "UPDATE employees SET status = 'dismissed' WHERE id = $1",
            &[gone],
        )
        .await;
        device_at(&app, office_id, "SN-1").await;
        device_at(&app, office_id, "SN-2").await;
        let read = app
            .get(&format!("/v1/locations/{office_id}"), Some(&token))
            .await;
        assert_eq!(read.body["count_employees"], 2, "{}", read.text);
        assert_eq!(read.body["count_devices"], 2);
        app.delete(&format!("/v1/locations/{office_id}"), &token)
            .await
            .assert_error(400, 7011);

        // A location with a dismissed employee only is still in use.
        let branch = create(&app, &token, &json!({"title": "Филиал"})).await;
        let branch_id = branch["id"].as_i64().expect("id");
        testing::execute(
            &app.store,
            "INSERT INTO employee_locations (employee_id, location_id) VALUES ($1, $2)",
            &[gone, branch_id],
        )
        .await;
        let path = format!("/v1/locations/{branch_id}");
        let read = app.get(&path, Some(&token)).await;
        assert_eq!(read.body["count_employees"], 0);
        app.delete(&path, &token).await.assert_error(400, 7011);
        testing::execute(
            &app.store,
            "INSERT INTO employee_locations (employee_id, location_id) VALUES ($1, $2)",
            &[worker, branch_id],
        )
        .await;
        assert_eq!(
            app.get(&path, Some(&token)).await.body["count_employees"],
            1
        );
        testing::execute(
            &app.store,
            "DELETE FROM employee_locations WHERE location_id = $1",
            &[branch_id],
        )
        .await;
        // Devices do not hold a location: they stay, with no location.
        let device = device_at(&app, branch_id, "SN-3").await;
        assert_eq!(app.get(&path, Some(&token)).await.body["count_devices"], 1);
        let deleted = app.delete(&path, &token).await;
        assert_eq!(deleted.status, 200, "{}", deleted.text);
        assert_eq!(
            testing::scalar(
                &app.store,
                "SELECT count(*) FROM devices WHERE id = $1 AND location_id IS NULL",
                &[device],
            )
            .await,
            1
        );
        assert_eq!(app.activities(&token, "deletedLocation").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn every_role_reads_and_only_admins_write() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let created = create(&app, &admin, &reference_body()).await;
        let id = created["id"].as_i64().expect("id");
        for (n, role) in [
            Role::DepartmentHead,
            Role::DepartmentManager,
            Role::Observer,
            Role::Employee,
        ]
        .into_iter()
        .enumerate()
        {
            let (_, token) = app
                .add_user(&format!("role{n}@test.uz"), role, "Сотрудник")
                .await;
            let list = app.get("/v1/locations", Some(&token)).await;
            assert_eq!(list.status, 200, "{role:?}: {}", list.text);
            assert_eq!(list.body["items"][1], created, "{role:?}");
            let one = app.get(&format!("/v1/locations/{id}"), Some(&token)).await;
            assert_eq!(one.body, created, "{role:?}");
            app.call(
                "POST",
                "/v1/locations",
                Some(&token),
                Some(&json!({"title": "Новая"})),
            )
            .await
            .assert_error(403, 7004);
            app.call(
                "PUT",
                &format!("/v1/locations/{id}"),
                Some(&token),
                Some(&json!({"title": "Новая"})),
            )
            .await
            .assert_error(403, 7004);
            app.delete(&format!("/v1/locations/{id}"), &token)
                .await
                .assert_error(403, 7004);
            app.delete("/v1/locations/999999", &token)
                .await
                .assert_error(403, 7004);
        }
        let unchanged = app.get(&format!("/v1/locations/{id}"), Some(&admin)).await;
        assert_eq!(unchanged.body, created);
        assert!(app.activities(&admin, "updatedLocation").await.is_empty());
        app.get("/v1/locations", None).await.assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn another_companys_locations_are_not_found() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let (other, theirs) = other_company(&app).await;
        for path in [
            format!("/v1/locations/{theirs}"),
            "/v1/locations/999999".to_string(),
            "/v1/locations/abc".to_string(),
        ] {
            app.get(&path, Some(&token)).await.assert_error(404, 3000);
            app.put_json(&path, &json!({"title": "Захват"}), &token)
                .await
                .assert_error(404, 3000);
            app.delete(&path, &token).await.assert_error(404, 3000);
        }
        let list = app.get("/v1/locations", Some(&token)).await;
        assert_eq!(list.body["_meta"]["totalCount"], 1);
        assert_ne!(list.body["items"][0]["id"], theirs);
        // Their location is untouched, and titles are unique per company only.
        assert_eq!(
            testing::scalar(
                &app.store,
                "SELECT count(*) FROM locations WHERE id = $1 AND company_id = $2",
                &[theirs, other.company_id.0],
            )
            .await,
            1
        );
        testing::execute(
            &app.store,
            "UPDATE locations SET title = 'Склад' WHERE id = $1",
            &[theirs],
        )
        .await;
        create(&app, &token, &json!({"title": "Склад"})).await;
    })
    .await;
}

#[tokio::test]
async fn lists_page_by_id_with_links() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let office = main_office(&app, &token).await;
        let mut ids = vec![office["id"].as_i64().expect("id")];
        for title in ["Первая", "Вторая"] {
            ids.push(
                create(&app, &token, &json!({"title": title})).await["id"]
                    .as_i64()
                    .expect("id"),
            );
        }
        let page = app
            .get("/v1/locations?per-page=2&page=2", Some(&token))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.body["items"].as_array().expect("items").len(), 1);
        assert_eq!(page.body["items"][0]["id"], ids[2]);
        assert_eq!(
            page.body["_meta"],
            json!({"totalCount": 3, "pageCount": 2, "currentPage": 2, "perPage": 2})
        );
        let base = format!("{}/v1/locations", app.base);
        assert_eq!(
            page.body["_links"]["prev"]["href"],
            format!("{base}?page=1&per-page=2")
        );
        assert!(page.body["_links"].get("next").is_none());
        let first = app
            .send(
                app.http
                    .get(app.url("/v1/locations"))
                    .bearer_auth(&token)
                    .header("limit", "2"),
            )
            .await;
        let first_ids: Vec<i64> = first.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(first_ids, ids[..2].to_vec());
        assert_eq!(
            first.body["_links"]["next"]["href"],
            format!("{base}?page=2&per-page=2")
        );
    })
    .await;
}

#[tokio::test]
async fn form_bodies_create_and_change() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let created = app.form("POST",
            "/v1/locations",
            &token,
            "title=Form+office&latitude=41.310&longitude=69.24&radius=100&address=%D0%A2%D0%B0%D1%88%D0%BA%D0%B5%D0%BD%D1%82&ipv4=10.0.0.1",
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_i64().expect("id");
        assert_eq!(
            created.body,
            json!({
                "id": id, "title": "Form office", "lat": "41.310", "lon": "69.24", "radius": 100,
                "address": "Ташкент", "ipv4": "10.0.0.1", "count_employees": 0, "count_devices": 0
            })
        );
        let changed = app.form("PUT",
            &format!("/v1/locations/{id}"),
            &token,
            "radius=&address=",
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body["radius"], Value::Null);
        assert_eq!(changed.body["address"], Value::Null);
        assert_eq!(changed.body["lat"], "41.310");
        let refused = app.form("POST", "/v1/locations", &token, "title=X&latitude=north").await;
        refused.assert_error(422, 8001);
        assert_eq!(refused.field_errors(), vec![("latitude".to_string(), 8003)]);
        let broken = raw_json(&app, "POST", "/v1/locations", &token, "{\"title\": }").await;
        broken.assert_error(400, 4001);
    })
    .await;
}
