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
