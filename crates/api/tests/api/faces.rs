//! Face templates (`/v1/identification/*`) and the photos behind `photos`: uploads as
//! multipart, raw body, JSON base64 and form; every refusal with its code on
//! `imgdata`; the 3 MB body limit of the route; the thumbnails served under their key,
//! the key's rotation; deleteface; roles, scopes, tenancy; activity rows; reports.

use std::io::Cursor;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use davomat_core::{Lang, Role};
use davomat_store::biometrics;
use davomat_store::testing::scalar;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, each_backend};

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const BLUE: Rgb<u8> = Rgb([30, 30, 220]);
const GREEN: Rgb<u8> = Rgb([30, 200, 30]);

/// An image in three vertical bands, red | blue | green: the centred square of a wide
/// one is all blue.
fn banded(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| match x * 3 / width {
        0 => RED,
        1 => BLUE,
        _ => GREEN,
    })
}

fn encode(image: RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .expect("encode a test image");
    out.into_inner()
}

/// True when two colours differ by at most 2 in each channel (scaling may round).
fn close(a: &Rgb<u8>, b: &Rgb<u8>) -> bool {
    a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) <= 2)
}

/// A PNG of `banded` (flat colours: a few kilobytes whatever its size).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    encode(banded(width, height), ImageFormat::Png)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(banded(width, height), ImageFormat::Jpeg)
}

pub fn add_path(employee: i64) -> String {
    format!("/v1/identification/addface/{employee}")
}

pub fn delete_path(employee: i64) -> String {
    format!("/v1/identification/deleteface/{employee}")
}

/// Sends `bytes` as the raw body with `content_type`.
pub async fn upload_raw(
    app: &TestApp,
    token: &str,
    employee: i64,
    bytes: Vec<u8>,
    content_type: &str,
) -> Reply {
    app.send(
        app.http
            .post(app.url(&add_path(employee)))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes),
    )
    .await
}

/// Uploads a PNG that must be accepted.
pub async fn upload(app: &TestApp, token: &str, employee: i64, bytes: Vec<u8>) {
    let reply = upload_raw(app, token, employee, bytes, "image/png").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({"success": true}));
}

const BOUNDARY: &str = "davomat-test-boundary-7d3f";

/// A multipart body of (name, file name, bytes) parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(file) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload_multipart(
    app: &TestApp,
    token: &str,
    employee: i64,
    parts: &[(&str, Option<&str>, &[u8])],
) -> Reply {
    upload_raw(
        app,
        token,
        employee,
        multipart(parts),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
    )
    .await
}

/// A GET of an absolute URL without a token: (status, headers, body bytes).
pub async fn fetch(app: &TestApp, url: &str) -> (u16, HeaderMap, Vec<u8>) {
    let response = app.http.get(url).send().await.expect("fetched");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

/// The `photos` of an employee's card.
async fn photos(app: &TestApp, token: &str, employee: i64) -> Value {
    let reply = app
        .get(&format!("/v1/employees/{employee}"), Some(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"]["photos"].clone()
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_string()
}

/// Fetches a photo URL that must work; answers the decoded image.
async fn thumbnail(app: &TestApp, url: &str) -> image::RgbImage {
    let (status, headers, bytes) = fetch(app, url).await;
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("max-age")),
        "{headers:?}"
    );
    image::load_from_memory_with_format(&bytes, ImageFormat::Png)
        .expect("a PNG")
        .to_rgb8()
}

/// Asserts that a URL answers the JSON 404/3000.
async fn gone(app: &TestApp, url: &str) {
    let reply = app.send(app.http.get(url)).await;
    reply.assert_error(404, 3000);
}

/// The single failing field of a 422 and its message.
fn refusal(reply: &Reply) -> (String, i64, String) {
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["code"], 8001, "{}", reply.text);
    let errors = reply.body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{}", reply.text);
    (
        text(&errors[0]["field"]),
        errors[0]["code"].as_i64().expect("code"),
        text(&errors[0]["message"]),
    )
}

async fn face_rows(app: &TestApp) -> i64 {
    scalar(&app.store, "SELECT count(*) FROM faces", &[]).await
}

#[tokio::test]
async fn faces_upload_as_raw_multipart_json_and_form() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        assert_eq!(photos(&app, &admin, worker).await, Value::Null);

        // Raw PNG.
        upload(&app, &admin, worker, png(400, 400)).await;
        let first = photos(&app, &admin, worker).await;
        assert!(first["small"].as_str().is_some(), "{first}");

        // Multipart: a JPEG file part among other parts; the original keeps its format.
        let jpeg_bytes = jpeg(640, 480);
        let reply = upload_multipart(
            &app,
            &admin,
            worker,
            &[
                ("note", None, b"hello".as_slice()),
                ("imgdata", Some("face.jpg"), &jpeg_bytes),
            ],
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body, json!({"success": true}));
        let after_multipart = photos(&app, &admin, worker).await;
        assert_ne!(after_multipart, first);
        let stored = scalar(
            &app.store,
            "SELECT count(*) FROM faces WHERE employee_id = $1 AND format = 'jpeg' AND width = 640 AND height = 480",
            &[worker],
        )
        .await;
        assert_eq!(stored, 1);
        let key = text(&after_multipart["small"])
            .rsplit("k=")
            .next()
            .expect("key")
            .to_string();
        let original = format!(
            "{}/images/employee/original/{}/{worker}.png?k={key}",
            app.base, app.company.company_id.0
        );
        let (status, headers, bytes) = fetch(&app, &original).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(bytes, jpeg_bytes);

        // JSON base64 with a data URL prefix, and plain.
        for value in [
            format!("data:image/png;base64,{}", STANDARD.encode(png(500, 450))),
            STANDARD.encode(png(450, 500)),
        ] {
            let reply = app
                .post_json(&add_path(worker), &json!({ "imgdata": value }), Some(&admin))
                .await;
            assert_eq!(reply.status, 200, "{}", reply.text);
        }
        let sides = scalar(
            &app.store,
            "SELECT width * 10000 + height FROM faces WHERE employee_id = $1",
            &[worker],
        )
        .await;
        assert_eq!(sides, 450 * 10000 + 500);

        // A form body, the base64 not escaped (its `+` arrive as spaces).
        let encoded = STANDARD.encode(png(420, 410));
        let reply = app
            .form(
                "POST",
                &add_path(worker),
                &admin,
                &format!("imgdata={encoded}"),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        // A multipart text part holding base64.
        let encoded = STANDARD.encode(png(430, 410));
        let reply =
            upload_multipart(&app, &admin, worker, &[("imgdata", None, encoded.as_bytes())]).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        // octet-stream.
        let reply = upload_raw(
            &app,
            &admin,
            worker,
            png(440, 410),
            "application/octet-stream",
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let sides = scalar(
            &app.store,
            "SELECT width * 10000 + height FROM faces WHERE employee_id = $1",
            &[worker],
        )
        .await;
        assert_eq!(sides, 440 * 10000 + 410);
        // One template per employee, however many uploads.
        assert_eq!(face_rows(&app).await, 1);
    })
    .await;
}

#[tokio::test]
async fn faces_refuse_each_broken_limit_on_imgdata() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let mut padded = png(400, 400);
        // A valid 400×400 PNG followed by padding: its header is fine, its size is not.
        padded.resize(1_572_864 + 1, 0);
        let mut damaged = png(400, 400);
        damaged.truncate(damaged.len() / 2);
        let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            (
                "text",
                b"not an image at all".to_vec(),
                "image/png",
                "JPEG или PNG",
            ),
            (
                "GIF",
                b"GIF89a\x90\x01\x90\x01\x00\x00\x00;".to_vec(),
                "image/gif",
                "JPEG или PNG",
            ),
            ("over 1.5 MB", padded, "image/png", "1572864"),
            ("narrow", png(399, 800), "image/png", "не менее 400"),
            ("short", png(800, 399), "image/png", "не менее 400"),
            ("wide", png(1601, 400), "image/png", "не более 1600"),
            ("tall", png(400, 1601), "image/png", "не более 1600"),
            ("damaged", damaged, "image/png", "повреждены"),
        ];
        // Worded in the user's language (Russian here), every limit named.
        for (name, bytes, media, note) in cases {
            let reply = upload_raw(&app, &admin, worker, bytes, media).await;
            let (field, code, message) = refusal(&reply);
            assert_eq!((field.as_str(), code), ("imgdata", 8003), "{name}");
            assert!(message.contains(note), "{name}: {message}");
        }
        // The same limits through base64.
        let reply = app
            .post_json(
                &add_path(worker),
                &json!({"imgdata": STANDARD.encode(png(300, 300))}),
                Some(&admin),
            )
            .await;
        assert_eq!(refusal(&reply).0, "imgdata");
        assert!(refusal(&reply).2.contains("не менее 400"));
        // Not base64.
        let reply = app
            .post_json(
                &add_path(worker),
                &json!({"imgdata": "file.png"}),
                Some(&admin),
            )
            .await;
        assert_eq!(refusal(&reply).1, 8003);
        let reply = app
            .post_json(&add_path(worker), &json!({"imgdata": 12}), Some(&admin))
            .await;
        assert_eq!(refusal(&reply).1, 8003);
        // Missing: an empty JSON object, an empty string, no part of that name, no body.
        let missing = [
            app.post_json(&add_path(worker), &json!({}), Some(&admin))
                .await,
            app.post_json(&add_path(worker), &json!({"imgdata": " "}), Some(&admin))
                .await,
            upload_multipart(
                &app,
                &admin,
                worker,
                &[("photo", Some("a.png"), &png(400, 400))],
            )
            .await,
            upload_raw(&app, &admin, worker, Vec::new(), "image/png").await,
            app.call("POST", &add_path(worker), Some(&admin), None)
                .await,
        ];
        for reply in &missing {
            let (field, code, _) = refusal(reply);
            assert_eq!((field.as_str(), code), ("imgdata", 8002), "{}", reply.text);
        }
        // Malformed JSON is 400 as anywhere.
        app.send(
            app.http
                .post(app.url(&add_path(worker)))
                .bearer_auth(&admin)
                .header("content-type", "application/json")
                .body("{\"imgdata\": "),
        )
        .await
        .assert_error(400, 4001);
        // Nothing was stored, nothing logged, nothing queued.
        assert_eq!(face_rows(&app).await, 0);
        assert!(app.activities(&admin, "addedFace").await.is_empty());
        assert_eq!(photos(&app, &admin, worker).await, Value::Null);
    })
    .await;
}

#[tokio::test]
async fn faces_route_takes_3_mb_and_other_routes_keep_1_mb() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        // Past 3 MB: 413 before anything is read, whatever it holds.
        let reply = upload_raw(
            &app,
            &admin,
            worker,
            vec![0u8; 3 * 1024 * 1024 + 1],
            "image/png",
        )
        .await;
        reply.assert_error(413, 4001);
        // Between 1 and 3 MB the route reads the body: here a base64 image of 1.5 MB+ that
        // is refused for its size, not for the body's.
        let mut padded = png(400, 400);
        padded.resize(1_600_000, 0);
        let body = json!({"imgdata": STANDARD.encode(&padded)});
        assert!(body.to_string().len() > 2 * 1024 * 1024);
        let reply = app.post_json(&add_path(worker), &body, Some(&admin)).await;
        assert_eq!(refusal(&reply).1, 8003);
        assert!(refusal(&reply).2.contains("1572864"), "{}", reply.text);
        // Another write route still stops at 1 MB.
        let big = json!({"title": "x".repeat(1024 * 1024 + 10), "date": "2025-05-01"});
        app.post_json("/v1/holidays", &big, Some(&admin))
            .await
            .assert_error(413, 4001);
        let reply = app
            .post_json(&delete_path(worker), &big, Some(&admin))
            .await;
        reply.assert_error(413, 4001);
    })
    .await;
}

#[tokio::test]
async fn faces_photos_serve_the_thumbnails_under_the_current_key() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, worker_token) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        upload(&app, &admin, worker, png(1200, 400)).await;
        let first = photos(&app, &admin, worker).await;
        // Anyone who may read the card sees the same URLs, the employee included.
        assert_eq!(photos(&app, &worker_token, worker).await, first);
        let company = app.company.company_id.0;
        let small = text(&first["small"]);
        let medium = text(&first["medium"]);
        let prefix = format!("{}/images/employee/", app.base);
        assert!(
            small.starts_with(&format!("{prefix}40/{company}/{worker}.png?k=")),
            "{small}"
        );
        assert!(
            medium.starts_with(&format!("{prefix}120/{company}/{worker}.png?k=")),
            "{medium}"
        );
        let key = small.rsplit("k=").next().expect("key").to_string();
        assert_eq!(key.len(), 40);
        assert!(
            key.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(medium.ends_with(&key));

        for (url, side) in [(&small, 40), (&medium, 120)] {
            let image = thumbnail(&app, url).await;
            assert_eq!(image.dimensions(), (side, side));
            // The centred square of a red | blue | green image is blue to its edges.
            for (x, y) in [
                (0, 0),
                (side - 1, side - 1),
                (side / 2, side / 2),
                (0, side - 1),
            ] {
                let pixel = image.get_pixel(x, y);
                assert!(close(pixel, &BLUE), "{url} at {x},{y}: {pixel:?}");
            }
        }

        // Wrong key, size, company, employee or file name: the JSON 404.
        let other_key = "0".repeat(40);
        for url in [
            small.replace(&key, &other_key),
            small.replace(&format!("k={key}"), "k="),
            small.replace(&format!("?k={key}"), ""),
            small.replace("/40/", "/41/"),
            small.replace("/40/", "/400/"),
            small.replace(&format!("/{company}/"), &format!("/{}/", company + 1)),
            small.replace(&format!("/{worker}.png"), &format!("/{}.png", worker + 1)),
            small.replace(".png", ".jpg"),
            small.replace(&format!("/{worker}.png"), "/abc.png"),
        ] {
            gone(&app, &url).await;
        }

        // A new upload: new key, the old URLs stop working, the new ones show it.
        upload(&app, &admin, worker, png(400, 1200)).await;
        let second = photos(&app, &admin, worker).await;
        assert_ne!(second, first);
        gone(&app, &small).await;
        gone(&app, &medium).await;
        let image = thumbnail(&app, &text(&second["medium"])).await;
        assert_eq!(image.dimensions(), (120, 120));
        // The centred square of a tall banded image spans all three bands.
        assert!(close(image.get_pixel(0, 60), &RED));
        assert!(close(image.get_pixel(60, 60), &BLUE));
        assert!(close(image.get_pixel(119, 60), &GREEN));

        // deleteface: photos null, the URLs gone.
        let reply = app.get(&delete_path(worker), Some(&admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body, json!({"success": true}));
        assert_eq!(photos(&app, &admin, worker).await, Value::Null);
        gone(&app, &text(&second["small"])).await;
        gone(&app, &text(&second["medium"])).await;
        assert_eq!(face_rows(&app).await, 0);
    })
    .await;
}

#[tokio::test]
async fn faces_roles_scopes_and_tenancy() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, worker_token) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let (_, head) = app
            .add_user("head@t.uz", Role::DepartmentHead, "Rustam")
            .await;
        // An employee in a department outside the head's.
        let elsewhere = app
            .post_json(
                "/v1/departments",
                &json!({"title": "Elsewhere"}),
                Some(&admin),
            )
            .await;
        assert_eq!(elsewhere.status, 201, "{}", elsewhere.text);
        let (outsider, _) = app.add_user("o@t.uz", Role::Employee, "Remote").await;
        let moved = app
            .put_json(
                &format!("/v1/employees/{outsider}"),
                &json!({"department_id": elsewhere.body["id"]}),
                &admin,
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);

        // The head inside their departments: both ways.
        upload(&app, &head, worker, png(400, 400)).await;
        let reply = app
            .post_json(&delete_path(worker), &json!({}), Some(&head))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        // Outside them: 403, nothing stored.
        upload_raw(&app, &head, outsider, png(400, 400), "image/png")
            .await
            .assert_error(403, 7004);
        app.get(&delete_path(outsider), Some(&head))
            .await
            .assert_error(403, 7004);
        // Managers, observers and employees may not, not even for themself.
        for (email, role) in [
            ("m@t.uz", Role::DepartmentManager),
            ("obs@t.uz", Role::Observer),
        ] {
            let (own, token) = app.add_user(email, role, "Someone").await;
            for target in [worker, own] {
                upload_raw(&app, &token, target, png(400, 400), "image/png")
                    .await
                    .assert_error(403, 7004);
                app.get(&delete_path(target), Some(&token))
                    .await
                    .assert_error(403, 7004);
            }
        }
        upload_raw(&app, &worker_token, worker, png(400, 400), "image/png")
            .await
            .assert_error(403, 7004);
        app.post_json(&delete_path(worker), &json!({}), Some(&worker_token))
            .await
            .assert_error(403, 7004);
        // Another company's employee, or none: 404, for the head as for the admin.
        let foreign = app
            .second_company("boss@other.uz", Lang::Ru)
            .await
            .admin_employee_id
            .0;
        for token in [&admin, &head] {
            for target in [foreign, 999_999] {
                upload_raw(&app, token, target, png(400, 400), "image/png")
                    .await
                    .assert_error(404, 3000);
                app.get(&delete_path(target), Some(token))
                    .await
                    .assert_error(404, 3000);
            }
        }
        app.get("/v1/identification/deleteface/abc", Some(&admin))
            .await
            .assert_error(404, 3000);
        // No token.
        upload_raw(&app, "", worker, png(400, 400), "image/png")
            .await
            .assert_error(401, 7007);
        assert_eq!(face_rows(&app).await, 0);
    })
    .await;
}

#[tokio::test]
async fn faces_write_their_activity_rows_and_deleteface_is_idempotent() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        upload(&app, &admin, worker, png(400, 400)).await;
        upload(&app, &admin, worker, png(400, 400)).await;
        let added = app.activities(&admin, "addedFace").await;
        assert_eq!(added.len(), 2, "{added:?}");
        for row in &added {
            assert_eq!(row["person_id"], worker);
            assert_eq!(row["object_id"], worker);
            assert!(
                text(&row["message"]).contains("Тестов Aziz"),
                "{}",
                row["message"]
            );
        }
        // POST and GET both delete; a second delete finds nothing and changes nothing.
        let reply = app
            .post_json(&delete_path(worker), &json!({}), Some(&admin))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let deleted = app.activities(&admin, "deletedFace").await;
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0]["person_id"], worker);
        assert!(text(&deleted[0]["message"]).contains("удалил(а) шаблон лица"));
        let reply = app.get(&delete_path(worker), Some(&admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body, json!({"success": true}));
        assert_eq!(app.activities(&admin, "deletedFace").await.len(), 1);
        // A refused upload logs nothing.
        let refused = upload_raw(&app, &admin, worker, png(100, 100), "image/png").await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(app.activities(&admin, "addedFace").await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn faces_show_in_the_reports_photos() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (with_face, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let (without, _) = app.add_user("n@t.uz", Role::Employee, "Bobur").await;
        upload(&app, &admin, with_face, png(400, 400)).await;
        let card = photos(&app, &admin, with_face).await;
        assert!(card.is_object());
        // Monday 2025-03-03: both absent on the default Monday–Friday schedule.
        let absence = app
            .get(
                "/v1/reports/absence?start_date=2025-03-03&end_date=2025-03-03",
                Some(&admin),
            )
            .await;
        assert_eq!(absence.status, 200, "{}", absence.text);
        let t12 = app
            .get(
                "/v1/reports/t12?start_date=2025-03-01&end_date=2025-03-03",
                Some(&admin),
            )
            .await;
        assert_eq!(t12.status, 200, "{}", t12.text);
        let rows = |reply: &Reply| reply.body["items"].as_array().expect("items").clone();
        let absence_photos = |id: i64| {
            rows(&absence)
                .iter()
                .find(|r| r["employee"]["id"] == id)
                .map(|r| r["employee"]["photos"].clone())
                .expect("an absence row")
        };
        let t12_photos = |id: i64| {
            rows(&t12)
                .iter()
                .find(|r| r["employee_id"] == id)
                .map(|r| r["photos"].clone())
                .expect("a t12 row")
        };
        assert_eq!(absence_photos(with_face), card);
        assert_eq!(t12_photos(with_face), card);
        assert_eq!(absence_photos(without), Value::Null);
        assert_eq!(t12_photos(without), Value::Null);
        // The URLs work.
        let image = thumbnail(&app, &text(&t12_photos(with_face)["small"])).await;
        assert_eq!(image.dimensions(), (40, 40));
    })
    .await;
}

#[tokio::test]
async fn faces_need_recorded_consent_where_the_company_requires_it() {
    each_backend(|app: TestApp| async move {
        let admin = app.admin_token().await;
        let (worker, _) = app.add_user("w@t.uz", Role::Employee, "Aziz").await;
        let company = davomat_core::CompanyId(app.company.company_id.0);
        // Off by default: the contract's addface stores without asking.
        upload(&app, &admin, worker, png(400, 400)).await;
        let policy = biometrics::Policy {
            biometric_retention_days: 30,
            biometric_consent_required: true,
        };
        biometrics::set_policy(app.store.connection(), company, policy)
            .await
            .expect("the policy");
        let commands_before = scalar(&app.store, "SELECT count(*) FROM device_commands", &[]).await;
        let reply = upload_raw(&app, &admin, worker, png(500, 500), "image/png").await;
        let (field, code, message) = refusal(&reply);
        assert_eq!((field.as_str(), code), ("imgdata", 8003));
        assert!(message.contains("согласие"), "{message}");
        // Nothing changed: the earlier template stays, no command, no activity row.
        assert_eq!(face_rows(&app).await, 1);
        assert_eq!(
            scalar(&app.store, "SELECT count(*) FROM device_commands", &[]).await,
            commands_before
        );
        assert_eq!(app.activities(&admin, "addedFace").await.len(), 1);
        let given = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("a day");
        let worker_id = davomat_core::EmployeeId(worker);
        biometrics::set_consent(
            app.store.connection(),
            company,
            worker_id,
            Some((given, "HR")),
        )
        .await
        .expect("the consent");
        upload(&app, &admin, worker, png(500, 500)).await;
        assert_eq!(app.activities(&admin, "addedFace").await.len(), 2);
    })
    .await;
}
