//! `/healthz`, `/readyz`, `/metrics`, `/docs` and the OpenAPI document in step with the router.

use std::collections::BTreeSet;

use crate::support::{TestApp, each_backend};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    each_backend(|app: TestApp| async move {
        let health = app.get("/healthz", None).await;
        assert_eq!(
            (health.status, health.body["status"].as_str()),
            (200, Some("ok"))
        );
        let ready = app.get("/readyz", None).await;
        assert_eq!(ready.status, 200, "{}", ready.text);
        let token = app.admin_token().await;
        app.get("/v1/accounts", Some(&token)).await;
        app.get("/v1/unknown", None).await;
        let metrics = app.get("/metrics", None).await;
        assert_eq!(metrics.status, 200);
        assert!(
            metrics
                .header("content-type")
                .expect("type")
                .starts_with("text/plain")
        );
        assert!(
            metrics.text.contains(
                r#"davomat_http_requests_total{route="/v1/accounts",method="GET",status="200"} 1"#
            ),
            "{}",
            metrics.text
        );
        assert!(metrics.text.contains(
            r#"davomat_http_requests_total{route="unmatched",method="GET",status="404"} 1"#
        ));
        assert!(metrics.text.contains(
            r#"davomat_http_request_duration_seconds_bucket{route="/v1/accounts",le="+Inf"} 1"#
        ));
        // The database going away makes the server not ready, and the API unavailable.
        app.store.clone().close().await.expect("close");
        let down = app.get("/readyz", None).await;
        assert_eq!(down.status, 503);
        assert!(down.header("retry-after").is_some());
        let api = app.get("/v1/accounts", Some(&token)).await;
        api.assert_error(503, 5000);
        assert!(api.header("retry-after").is_some());
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_served_routes() {
    each_backend(|app: TestApp| async move {
        let reply = app.get("/v1/openapi.json", None).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["openapi"], "3.1.0");
        let mut documented = BTreeSet::new();
        for (path, methods) in reply.body["paths"].as_object().expect("paths") {
            for (method, operation) in methods.as_object().expect("methods") {
                assert!(
                    operation["responses"]
                        .as_object()
                        .is_some_and(|r| !r.is_empty()),
                    "{method} {path}"
                );
                assert!(
                    operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{method} {path}"
                );
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
        let table = davomat_api::routes::table(app.state.clone());
        let served: BTreeSet<(String, String)> = table
            .operations()
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(documented, served);
        // Every documented route answers something other than 404/405 when called with
        // its template as the path; except the photo routes outside /v1, whose template
        // names no photo (404 for `{size}`): the faces tests call them with real values.
        let probed = served
            .iter()
            .filter(|(_, path)| path.starts_with("/v1/") || !path.contains('{'));
        for (method, path) in probed {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let reply = app
                .send(app.http.request(method.clone(), app.url(path)))
                .await;
            assert!(
                ![404, 405].contains(&reply.status),
                "{method} {path} answered {}",
                reply.status
            );
        }
        // No (method, path) is registered twice.
        assert_eq!(table.operations().len(), served.len());
    })
    .await;
}

#[tokio::test]
async fn the_docs_page_loads_nothing_from_elsewhere() {
    each_backend(|app: TestApp| async move {
        let reply = app.get("/reset-password", None).await;
        assert_eq!(reply.status, 200);
        assert!(
            reply
                .header("content-type")
                .expect("type")
                .starts_with("text/html")
        );
        assert!(
            !reply.text.contains("http://") && !reply.text.contains("https://"),
            "/reset-password refers elsewhere"
        );
        // The interactive page: every file it names is served here, under /docs/.
        let page = app.get("/docs", None).await;
        assert_eq!(page.status, 200);
        assert!(
            page.header("content-type")
                .expect("type")
                .starts_with("text/html")
        );
        assert!(
            page.text.contains("<base href=\"/docs/\">"),
            "{}",
            page.text
        );
        let files: Vec<&str> = page
            .text
            .split(['"', '\''])
            .skip(1)
            .step_by(2)
            .filter(|v| v.ends_with(".js") || v.ends_with(".css") || v.ends_with(".png"))
            .collect();
        assert!(files.len() >= 5, "files named by the page: {files:?}");
        for file in files {
            assert!(!file.contains("//"), "{file} is not a file of this server");
            let name = file.trim_start_matches("./");
            let reply = app.get(&format!("/docs/{name}"), None).await;
            assert_eq!(reply.status, 200, "/docs/{name}");
            assert!(!reply.text.is_empty(), "/docs/{name} is empty");
        }
        let initializer = app.get("/docs/swagger-initializer.js", None).await;
        assert!(
            initializer.text.contains("/v1/openapi.json"),
            "{}",
            initializer.text
        );
        assert!(
            initializer.text.contains("\"validatorUrl\": \"none\""),
            "{}",
            initializer.text
        );
        assert_eq!(app.get("/docs/no-such-file.js", None).await.status, 404);
    })
    .await;
}

#[tokio::test]
async fn a_stopped_server_finishes_and_refuses_new_connections() {
    each_backend(|app: TestApp| async move {
        let url = app.url("/healthz");
        let http = app.http.clone();
        assert_eq!(app.get("/healthz", None).await.status, 200);
        app.stop().await;
        assert!(http.get(url).send().await.is_err());
    })
    .await;
}

/// The public shape of the API, kept under review: the OpenAPI document must equal the
/// snapshot in `tests/api/openapi.json`, so every change to it shows in a diff. After an
/// intended change, `DAVOMAT_UPDATE_SNAPSHOT=1 cargo test -p davomat-api --test api
/// openapi_snapshot` writes the new one.
#[test]
fn the_openapi_document_matches_its_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/openapi.json");
    let document = davomat_api::openapi::document("http://127.0.0.1:8080");
    let text = serde_json::to_string_pretty(&document).expect("document") + "\n";
    if std::env::var_os("DAVOMAT_UPDATE_SNAPSHOT").is_some() {
        std::fs::write(&path, &text).expect("write the snapshot");
        return;
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    if snapshot != text {
        let changed = snapshot
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(snapshot.lines().count().min(text.lines().count()));
        panic!(
            "the OpenAPI document differs from tests/api/openapi.json from line {}: {:?} → {:?}; \
             if the change is meant, rerun with DAVOMAT_UPDATE_SNAPSHOT=1 and commit the file",
            changed + 1,
            snapshot.lines().nth(changed),
            text.lines().nth(changed)
        );
    }
}

/// Every `$ref` of the document names a schema it has: a type referred to but never
/// registered (a query enum not inlined, a hand-written schema deleted too early) would
/// leave a client's generator, and the conformance check, with nothing to read.
#[test]
fn every_reference_of_the_openapi_document_resolves() {
    fn references(value: &serde_json::Value, found: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, member) in map {
                    match (key.as_str(), member.as_str()) {
                        ("$ref", Some(target)) => found.push(target.to_string()),
                        _ => references(member, found),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let document = davomat_api::openapi::document("http://127.0.0.1:8080");
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(found.len() > 50, "only {} references found", found.len());
    let dangling: Vec<&String> = found
        .iter()
        .filter(|target| {
            let name = target.trim_start_matches("#/components/schemas/");
            document["components"]["schemas"].get(name).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "references to no schema: {dangling:?}");
}

/// A client that accepts gzip or brotli gets the document (and every JSON answer)
/// compressed; one that does not, as it is.
#[tokio::test]
async fn answers_are_compressed_for_clients_that_accept_it() {
    each_backend(|app: TestApp| async move {
        let plain = app
            .http
            .get(app.url("/v1/openapi.json"))
            .send()
            .await
            .expect("plain");
        assert!(plain.headers().get("content-encoding").is_none());
        let plain_length = plain.bytes().await.expect("body").len();
        for encoding in ["gzip", "br"] {
            let reply = app
                .http
                .get(app.url("/v1/openapi.json"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("compressed");
            assert_eq!(reply.status(), 200);
            assert_eq!(
                reply
                    .headers()
                    .get("content-encoding")
                    .and_then(|v| v.to_str().ok()),
                Some(encoding)
            );
            let length = reply.bytes().await.expect("body").len();
            assert!(
                length * 4 < plain_length,
                "{encoding}: {length} of {plain_length} bytes"
            );
        }
    })
    .await;
}

/// A gauge's value in a `/metrics` text.
fn gauge(metrics: &str, series: &str) -> i64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{series} in /metrics: {metrics}"))
}

#[tokio::test]
async fn metrics_show_the_database_pool_in_use_and_the_writers_waiting() {
    each_backend(|app: TestApp| async move {
        let token = app.admin_token().await;
        let in_use = r#"davomat_db_pool_connections{state="in_use"}"#;
        let waiting = "davomat_db_writers_waiting";
        let metrics = app.get("/metrics", None).await.text;
        assert!(gauge(&metrics, "davomat_db_pool_max_connections") >= 1);
        assert_eq!(gauge(&metrics, waiting), 0, "{metrics}");

        // A transaction held open keeps a connection (and on SQLite the write turn):
        // a department written meanwhile waits for its turn on SQLite.
        let held = app.store.begin().await.expect("a transaction");
        let app = std::sync::Arc::new(app);
        let write = {
            let (app, token) = (app.clone(), token.clone());
            tokio::spawn(async move {
                app.post_json(
                    "/v1/departments",
                    &serde_json::json!({"title": "Kutish"}),
                    Some(&token),
                )
                .await
                .status
            })
        };
        let sqlite = app.store.backend() == davomat_store::Backend::Sqlite;
        let mut seen = String::new();
        for _ in 0..100 {
            seen = app.get("/metrics", None).await.text;
            let writers = gauge(&seen, waiting);
            if gauge(&seen, in_use) >= 1 && (!sqlite || writers == 1) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(gauge(&seen, in_use) >= 1, "{seen}");
        assert_eq!(gauge(&seen, waiting), i64::from(sqlite), "{seen}");
        held.commit().await.expect("committed");
        assert_eq!(write.await.expect("the write"), 201);
        let after = app.get("/metrics", None).await.text;
        assert_eq!(gauge(&after, waiting), 0, "{after}");
    })
    .await;
}
