//! `GET /` — the Today board: the day's counts over the caller's scope, the late with
//! their minutes, the absent without a time-off, who is away with one, and who is at
//! work now and where. `GET /today/board` answers the board alone; the page asks for it
//! every 15 seconds (htmx polling), so clock-ins show up without a reload. A poll is a
//! plain request that ends at once: nothing is held open when a node shuts down.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use davomat_api::AppState;
use davomat_app::today::{self, Board};

use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// The whole page.
#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    frame: Frame,
    t: Words,
    board: Board,
}

/// The board alone, for the page's polling.
#[derive(Template)]
#[template(path = "today_board.html")]
struct BoardPart {
    t: Words,
    board: Board,
}

/// `GET /`: the board; an employee (role 5) lands on their own page instead.
pub async fn page(State(state): State<AppState>, Signed(user): Signed) -> Response {
    if !today::READERS.contains(&user.caller.role) {
        return axum::response::Redirect::to("/me").into_response();
    }
    let now = state.clock.now();
    match today::board(&state.store, &state.today_lines, &user.caller, now).await {
        Ok(board) => {
            let frame = Frame::new(&user, "today");
            let t = frame.t;
            render(StatusCode::OK, &TodayPage { frame, t, board })
        }
        Err(err) => ErrorPage::new(user.caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /today/board`.
pub async fn board(State(state): State<AppState>, Signed(user): Signed) -> Response {
    let now = state.clock.now();
    match today::board(&state.store, &state.today_lines, &user.caller, now).await {
        Ok(board) => render(
            StatusCode::OK,
            &BoardPart {
                t: Words::new(user.caller.lang),
                board,
            },
        ),
        Err(err) => ErrorPage::new(user.caller.lang, Problem::from(err)).into_response(),
    }
}
