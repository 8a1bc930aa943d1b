//! The command queue of the device API: addface/deleteface queued for the terminals at
//! the employee's locations only, listed with the image's URL, acknowledged by their
//! own device only and then not listed again, the newest pending command per employee
//! and device, the fetch limit, and tenancy.

use davomat_core::{Lang, Role};
use davomat_store::testing::{execute, scalar};
use serde_json::{Value, json};

use crate::faces::{delete_path, fetch, png, upload};
use crate::support::{OTHER_PASSWORD, Reply, START, TestApp, each_backend};

const LIST: &str = "/v1/device/commands";

fn ack_path(id: i64) -> String {
    format!("/v1/device/commands/{id}/ack")
}

/// Registers a device as the admin; answers (device id, device token).
async fn device(app: &TestApp, admin: &str, serial: &str, location: Option<i64>) -> (i64, String) {
    let mut body = json!({"serial_number": serial});
    if let Some(location) = location {
        body["location_id"] = json!(location);
    }
    let reply = app.post_json("/v1/devices", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (
        reply.body["id"].as_i64().expect("device id"),
        reply.body["token"].as_str().expect("token").to_string(),
    )
}

/// The company's first location (the employees of `add_user` are there).
async fn main_office(app: &TestApp, token: &str) -> i64 {
    let list = app.get("/v1/locations", Some(token)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"][0]["id"].as_i64().expect("location id")
}

async fn new_location(app: &TestApp, admin: &str, title: &str) -> i64 {
    let body = json!({"title": title, "latitude": "41.3", "longitude": "69.2", "radius": 100});
    let reply = app.post_json("/v1/locations", &body, Some(admin)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().expect("location id")
}

/// A device's pending commands.
async fn pending(app: &TestApp, token: &str) -> Vec<Value> {
    let reply = app.get(LIST, Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body.as_object().expect("object").len(),
        1,
        "{}",
        reply.text
    );
    reply.body["items"].as_array().expect("items").clone()
}

async fn ack(app: &TestApp, token: &str, id: i64) -> Reply {
    app.call("POST", &ack_path(id), Some(token), None).await
}

/// (type, employee_id) of each command.
fn kinds(items: &[Value]) -> Vec<(String, i64)> {
    items
        .iter()
        .map(|c| {
            (
                c["type"].as_str().expect("type").to_string(),
                c["employee_id"].as_i64().expect("employee_id"),
            )
        })
        .collect()
}

fn id_of(item: &Value) -> i64 {
    item["id"].as_i64().expect("command id")
}

async fn pin_of(app: &TestApp, admin: &str, employee: i64) -> Value {
    let reply = app
        .get(&format!("/v1/employees/{employee}"), Some(admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"]["pin_code"].clone()
}

#[tokio::test]
async fn device_commands_go_to_the_devices_at_the_employees_locations() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let branch = new_location(&app, &admin, "Филиал").await;
        let (_, at_office) = device(&app, &admin, "T-1", Some(office)).await;
        let (_, also_office) = device(&app, &admin, "T-2", Some(office)).await;
        let (_, at_branch) = device(&app, &admin, "T-3", Some(branch)).await;
        let (_, nowhere) = device(&app, &admin, "T-4", None).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        for token in [&at_office, &also_office, &at_branch, &nowhere] {
            assert!(pending(&app, token).await.is_empty());
        }

        let image = png(400, 400);
        upload(&app, &admin, worker, image.clone()).await;
        let photos = app
            .get(&format!("/v1/employees/{worker}"), Some(&admin))
            .await
            .body["data"]["photos"]
            .clone();
        let key = photos["small"]
            .as_str()
            .expect("small")
            .rsplit("k=")
            .next()
            .expect("key")
            .to_string();
        let pin = pin_of(&app, &admin, worker).await;
        for token in [&at_office, &also_office] {
            let items = pending(&app, token).await;
            assert_eq!(kinds(&items), vec![("addface".to_string(), worker)]);
            let command = &items[0];
            assert_eq!(command["pin_code"], pin);
            let url = command["image_url"].as_str().expect("image_url");
            assert_eq!(
                url,
                format!(
                    "{}/images/employee/original/{}/{worker}.png?k={key}",
                    app.base, app.company.company_id.0
                )
            );
            let (status, headers, bytes) = fetch(&app, url).await;
            assert_eq!(status, 200);
            assert_eq!(headers["content-type"], "image/png");
            assert_eq!(bytes, image);
        }
        assert!(pending(&app, &at_branch).await.is_empty());
        assert!(pending(&app, &nowhere).await.is_empty());
        // A user's token is not a device's, and the list needs one.
        app.get(LIST, Some(&admin)).await.assert_error(401, 7008);
        app.get(LIST, None).await.assert_error(401, 7007);
    })
    .await;
}

#[tokio::test]
async fn device_commands_are_acknowledged_by_their_own_device_only() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (_, first) = device(&app, &admin, "T-1", Some(office)).await;
        let (_, second) = device(&app, &admin, "T-2", Some(office)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        let mine = id_of(&pending(&app, &first).await[0]);
        let theirs = id_of(&pending(&app, &second).await[0]);
        assert_ne!(mine, theirs);

        // Another device's command, or none: 404.
        ack(&app, &second, mine).await.assert_error(404, 3000);
        ack(&app, &first, theirs).await.assert_error(404, 3000);
        ack(&app, &first, 999_999).await.assert_error(404, 3000);
        ack(&app, &first, 0).await.assert_error(404, 3000);
        app.call("POST", "/v1/device/commands/x/ack", Some(&first), None)
            .await
            .assert_error(404, 3000);
        app.call("POST", &ack_path(mine), Some(&admin), None)
            .await
            .assert_error(401, 7008);
        assert_eq!(pending(&app, &first).await.len(), 1);

        let reply = ack(&app, &first, mine).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body, json!({"success": true}));
        assert!(pending(&app, &first).await.is_empty());
        // The other device's copy is still waiting.
        assert_eq!(id_of(&pending(&app, &second).await[0]), theirs);
        // Acknowledging again is fine and keeps the first time.
        let acked_at = scalar(
            &app.store,
            "SELECT acked_at FROM device_commands WHERE id = $1",
            &[mine],
        )
        .await;
        assert_eq!(acked_at, START);
        app.clock.advance(60);
        let again = ack(&app, &first, mine).await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert!(pending(&app, &first).await.is_empty());
        assert_eq!(
            scalar(
                &app.store,
                "SELECT acked_at FROM device_commands WHERE id = $1",
                &[mine],
            )
            .await,
            START
        );

        // Another company's device sees none of it and acknowledges none of it.
        let other = app.second_company("boss@other.uz", Lang::Ru).await;
        let login = app
            .post_form(
                "/v1/oauth/token",
                &format!(
                    "grant_type=password&client_id={}&client_secret={}&username=boss@other.uz&password={OTHER_PASSWORD}",
                    other.client.client_id, other.client.client_secret
                ),
            )
            .await;
        let other_admin = login.body["access_token"].as_str().expect("token").to_string();
        let (_, foreign) = device(&app, &other_admin, "O-1", None).await;
        assert!(pending(&app, &foreign).await.is_empty());
        ack(&app, &foreign, theirs).await.assert_error(404, 3000);
        assert_eq!(pending(&app, &second).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn device_commands_keep_only_the_newest_pending_one_per_employee() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (_, fast) = device(&app, &admin, "T-1", Some(office)).await;
        let (_, slow) = device(&app, &admin, "T-2", Some(office)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let (colleague, _) = app.add_user("c@t.uz", Role::Employee, "Bobur").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        upload(&app, &admin, colleague, png(400, 400)).await;
        let first = pending(&app, &fast).await;
        assert_eq!(
            kinds(&first),
            vec![
                ("addface".to_string(), worker),
                ("addface".to_string(), colleague)
            ]
        );
        for command in &first {
            assert_eq!(ack(&app, &fast, id_of(command)).await.status, 200);
        }

        // A second upload before the slow device fetched: one addface, the new image.
        upload(&app, &admin, worker, png(500, 500)).await;
        let items = pending(&app, &slow).await;
        assert_eq!(
            kinds(&items),
            vec![
                ("addface".to_string(), colleague),
                ("addface".to_string(), worker)
            ]
        );
        let url = items[1]["image_url"].as_str().expect("image_url");
        let (status, _, bytes) = fetch(&app, url).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, png(500, 500));
        let replaced = id_of(&pending(&app, &fast).await[0]);

        // deleteface after addface: the slow device is left with the deleteface only,
        // without an image; the fast one, which had loaded the face, is told too.
        let reply = app.get(&delete_path(worker), Some(&admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        for token in [&slow, &fast] {
            let items = pending(&app, token).await;
            let about_worker: Vec<&Value> = items
                .iter()
                .filter(|c| c["employee_id"] == worker)
                .collect();
            assert_eq!(about_worker.len(), 1, "{items:?}");
            assert_eq!(about_worker[0]["type"], "deleteface");
            assert!(about_worker[0].get("image_url").is_none(), "{items:?}");
            assert_eq!(
                about_worker[0]["pin_code"],
                pin_of(&app, &admin, worker).await
            );
        }
        assert_eq!(
            kinds(&pending(&app, &slow).await),
            vec![
                ("addface".to_string(), colleague),
                ("deleteface".to_string(), worker)
            ]
        );
        // The replaced command is gone: acknowledging it is 404.
        ack(&app, &fast, replaced).await.assert_error(404, 3000);
        // A deleteface with nothing to delete queues nothing.
        app.get(&delete_path(worker), Some(&admin)).await;
        assert_eq!(pending(&app, &slow).await.len(), 2);
        // An addface pending at a device has no image_url once the face is gone.
        execute(
            &app.store,
            "DELETE FROM faces WHERE employee_id = $1",
            &[colleague],
        )
        .await;
        let items = pending(&app, &slow).await;
        assert_eq!(items[0]["type"], "addface");
        assert!(items[0].get("image_url").is_none(), "{items:?}");
    })
    .await;
}

#[tokio::test]
async fn device_commands_follow_the_employee_and_reach_the_terminals_that_had_the_face() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let branch = new_location(&app, &admin, "Филиал").await;
        let (_, at_office) = device(&app, &admin, "T-1", Some(office)).await;
        let (_, at_branch) = device(&app, &admin, "T-2", Some(branch)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        let command = id_of(&pending(&app, &at_office).await[0]);
        assert_eq!(ack(&app, &at_office, command).await.status, 200);
        assert!(pending(&app, &at_branch).await.is_empty());

        // The employee moves to the branch: the office's terminal forgets the face (see
        // terminals_follow_a_change_of_the_employees_locations); a new face goes to the
        // branch's terminal only.
        let moved = app
            .put_json(
                &format!("/v1/employees/{worker}"),
                &json!({"locations": [branch]}),
                &admin,
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        let forget = pending(&app, &at_office).await;
        assert_eq!(kinds(&forget), vec![("deleteface".to_string(), worker)]);
        assert_eq!(ack(&app, &at_office, id_of(&forget[0])).await.status, 200);
        upload(&app, &admin, worker, png(400, 400)).await;
        assert_eq!(
            kinds(&pending(&app, &at_branch).await),
            vec![("addface".to_string(), worker)]
        );
        assert!(pending(&app, &at_office).await.is_empty());
        // The delete reaches both: the branch's, and the office's that loaded it before.
        app.get(&delete_path(worker), Some(&admin)).await;
        for token in [&at_branch, &at_office] {
            assert_eq!(
                kinds(&pending(&app, token).await),
                vec![("deleteface".to_string(), worker)]
            );
        }
    })
    .await;
}

#[tokio::test]
async fn device_commands_are_fetched_oldest_first_a_hundred_at_a_time() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (device_id, token) = device(&app, &admin, "T-1", None).await;
        let company = app.company.company_id.0;
        for employee in 1..=105 {
            execute(
                &app.store,
                "INSERT INTO device_commands (company_id, device_id, employee_id, kind, pin_code, created_at, acked_at) \
                 VALUES ($1, $2, $3, 'deleteface', '0', $4, NULL)",
                &[company, device_id, employee, START],
            )
            .await;
        }
        let first = pending(&app, &token).await;
        assert_eq!(first.len(), 100);
        let employees: Vec<i64> = kinds(&first).into_iter().map(|(_, e)| e).collect();
        assert_eq!(employees, (1..=100).collect::<Vec<_>>());
        for command in &first {
            assert_eq!(ack(&app, &token, id_of(command)).await.status, 200);
        }
        let rest = pending(&app, &token).await;
        let employees: Vec<i64> = kinds(&rest).into_iter().map(|(_, e)| e).collect();
        assert_eq!(employees, (101..=105).collect::<Vec<_>>());
    })
    .await;
}

#[tokio::test]
async fn device_commands_tell_the_terminals_to_forget_a_removed_employee() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (_, terminal) = device(&app, &admin, "T-1", Some(office)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let (faceless, _) = app.add_user("f@t.uz", Role::Employee, "Bobur").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        let added = id_of(&pending(&app, &terminal).await[0]);
        assert_eq!(ack(&app, &terminal, added).await.status, 200);
        let pin = pin_of(&app, &admin, worker).await;
        for employee in [worker, faceless] {
            let dismissed = app
                .post_json(
                    &format!("/v1/employees/{employee}/dismiss"),
                    &json!({"exp_date": "2025-03-03"}),
                    Some(&admin),
                )
                .await;
            assert_eq!(dismissed.status, 200, "{}", dismissed.text);
            let removed = app
                .delete(&format!("/v1/employees/{employee}/remove"), &admin)
                .await;
            assert_eq!(removed.status, 200, "{}", removed.text);
        }
        // Only the one with a face is to be forgotten; the command names them still.
        let items = pending(&app, &terminal).await;
        assert_eq!(kinds(&items), vec![("deleteface".to_string(), worker)]);
        assert_eq!(items[0]["pin_code"], pin);
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM faces", &[]).await,
            0
        );
        assert_eq!(ack(&app, &terminal, id_of(&items[0])).await.status, 200);
        assert!(pending(&app, &terminal).await.is_empty());
    })
    .await;
}

/// The terminals follow an employee's locations: moving them queues `addface` at the
/// new location's devices and `deleteface` at the old one's; a device that already
/// holds the current face gets nothing again.
#[tokio::test]
async fn terminals_follow_a_change_of_the_employees_locations() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let branch = new_location(&app, &admin, "Филиал").await;
        let (_, at_office) = device(&app, &admin, "T-1", Some(office)).await;
        let (_, at_branch) = device(&app, &admin, "T-2", Some(branch)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        let sent = pending(&app, &at_office).await;
        assert_eq!(kinds(&sent), vec![("addface".to_string(), worker)]);
        assert_eq!(ack(&app, &at_office, id_of(&sent[0])).await.status, 200);
        assert!(pending(&app, &at_branch).await.is_empty());

        let move_to = |locations: Value| {
            let (app, admin) = (&app, &admin);
            async move {
                let reply = app
                    .put_json(
                        &format!("/v1/employees/{worker}"),
                        &json!({"locations": locations}),
                        admin,
                    )
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text);
            }
        };
        move_to(json!([branch])).await;
        assert_eq!(
            kinds(&pending(&app, &at_branch).await),
            vec![("addface".to_string(), worker)]
        );
        let gone = pending(&app, &at_office).await;
        assert_eq!(kinds(&gone), vec![("deleteface".to_string(), worker)]);
        assert_eq!(ack(&app, &at_office, id_of(&gone[0])).await.status, 200);

        // Both locations: the office's device gets the face back; the branch's pending
        // addface stays the one command it has.
        move_to(json!([office, branch])).await;
        assert_eq!(
            kinds(&pending(&app, &at_office).await),
            vec![("addface".to_string(), worker)]
        );
        assert_eq!(
            kinds(&pending(&app, &at_branch).await),
            vec![("addface".to_string(), worker)]
        );

        // An employee without a face queues nothing when moved.
        let (other, _) = app.add_user("o@t.uz", Role::Employee, "Olim").await;
        let reply = app
            .put_json(
                &format!("/v1/employees/{other}"),
                &json!({"locations": [branch]}),
                &admin,
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let about_other = scalar(
            &app.store,
            "SELECT count(*) FROM device_commands WHERE employee_id = $1",
            &[other],
        )
        .await;
        assert_eq!(about_other, 0);
    })
    .await;
}

/// Acknowledged commands go after 90 days, except each device's latest about each
/// employee: that one says the device holds the face, so a later deleteface finds it.
#[tokio::test]
async fn acknowledged_commands_are_pruned_after_ninety_days_but_the_latest_per_device_stays() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let office = main_office(&app, &admin).await;
        let (device_id, token) = device(&app, &admin, "T-1", Some(office)).await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        for _ in 0..3 {
            upload(&app, &admin, worker, png(400, 400)).await;
            let sent = pending(&app, &token).await;
            assert_eq!(ack(&app, &token, id_of(&sent[0])).await.status, 200);
        }
        let ids = [device_id];
        let count = || {
            scalar(
                &app.store,
                "SELECT count(*) FROM device_commands WHERE device_id = $1",
                &ids,
            )
        };
        assert_eq!(count().await, 3);
        let day = 86_400;
        let pruned =
            davomat_store::device_commands::prune_acknowledged(&app.store, START + 89 * day)
                .await
                .expect("prune");
        assert_eq!(pruned, 0, "nothing is 90 days old yet");
        let pruned =
            davomat_store::device_commands::prune_acknowledged(&app.store, START + 91 * day)
                .await
                .expect("prune");
        assert_eq!(pruned, 2);
        assert_eq!(count().await, 1);
        // The one kept still routes a deleteface to the device.
        execute(
            &app.store,
            "UPDATE devices SET location_id = NULL WHERE id = $1",
            &[device_id],
        )
        .await;
        let reply = app
            .call("POST", &delete_path(worker), Some(&admin), None)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            kinds(&pending(&app, &token).await),
            vec![("deleteface".to_string(), worker)]
        );
    })
    .await;
}
