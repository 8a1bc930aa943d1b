//! The console in a real Chromium (Debian's `chromium` and `chromium-driver`), driven
//! the way a person uses it: a wrong password and its message, signing in, the Today
//! board in Russian, switching to Uzbek, the board picking up a clock-in by itself, a
//! phone-sized window, signing out; and HR's employee pages: a hire refused for a missing
//! first name and then made, the file on a phone, a dismissal pending and cancelled, a
//! dismissal and a re-hire, a form posted without its CSRF token refused, a shift cycle
//! built in the schedule editor and previewed, and a department head who sees only
//! their people; and every page of the console read by an admin in Uzbek on a 360 px
//! window, adding a position there and a missing clock-out from the monthly timesheet
//! (the cell opens the day; the month shows the hours after); a kiosk reading a QR code
//! through a fake camera. Without chromedriver the test is skipped with a
//! note, unless `CI` or `DAVOMAT_TEST_REQUIRE_BROWSER` is set: then it fails. A failing
//! run leaves a screenshot and the page's HTML under `target/browser-failures/`. Each
//! page visited also passes axe-core's accessibility rules (axe 4.14.1, vendored beside
//! this file with its licence): labels on every field, names on every control,
//! landmarks, contrast.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use davomat_core::Role;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Console, START, each_backend};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver of the test's own, stopped when dropped.
struct Driver {
    child: tokio::process::Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver on a free port; `None` (with a note) when it is not installed
    /// and not required.
    async fn start() -> Option<Driver> {
        if !std::path::Path::new(CHROMEDRIVER).exists() {
            let required = std::env::var_os("CI").is_some()
                || std::env::var_os("DAVOMAT_TEST_REQUIRE_BROWSER").is_some();
            assert!(
                !required,
                "{CHROMEDRIVER} is missing and the browser tests are required"
            );
            eprintln!("note: {CHROMEDRIVER} is missing: the browser test is skipped");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(Driver { child, url })
    }

    async fn browser(&self) -> Client {
        self.browser_saving_to(None).await
    }

    /// A browser whose downloads land in `downloads` without asking, when given.
    async fn browser_saving_to(&self, downloads: Option<&std::path::Path>) -> Client {
        self.browser_with(downloads, &[]).await
    }

    /// A browser whose camera shows the Y4M video at `video` (permission granted, as a
    /// kiosk tablet set up once).
    async fn browser_with_camera(&self, video: &std::path::Path) -> Client {
        let args = [
            "--use-fake-ui-for-media-stream".to_string(),
            "--use-fake-device-for-media-stream".to_string(),
            format!("--use-file-for-fake-video-capture={}", video.display()),
        ];
        self.browser_with(None, &args).await
    }

    async fn browser_with(&self, downloads: Option<&std::path::Path>, extra: &[String]) -> Client {
        // Chromedriver is spoken to over plain http, but the client is built with TLS.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // A browser set up in Russian, as the console's people mostly have.
        let mut prefs = serde_json::json!({"intl.accept_languages": "ru-RU,ru"});
        if let Some(dir) = downloads {
            prefs["download.default_directory"] = dir.display().to_string().into();
            prefs["download.prompt_for_download"] = false.into();
            prefs["download.directory_upgrade"] = true.into();
        }
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--lang=ru",
        ]
        .map(String::from)
        .to_vec();
        args.extend_from_slice(extra);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"binary": CHROMIUM, "args": args, "prefs": prefs}),
        );
        ClientBuilder::rustls()
            .expect("a TLS setup")
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

type Step = Result<(), String>;

fn fail(what: impl std::fmt::Display) -> String {
    what.to_string()
}

#[tokio::test]
async fn a_person_signs_in_reads_the_board_in_two_languages_and_on_a_phone() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = walk_through(&console, &browser).await;
            if let Err(problem) = outcome {
                let saved = save_failure(&browser, &format!("board-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn walk_through(console: &Console, browser: &Client) -> Step {
    let worker = console
        .add_user("worker@test.uz", Role::Employee, "Рабочий")
        .await;
    console.clock.advance(30 * 60);

    // A wrong password: the API's message, in Russian.
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, "wrong").await?;
    browser
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#sign-in-message"))
        .await
        .map_err(fail)?;
    let message = text(browser, "#sign-in-message").await?;
    accessible(browser, "the sign-in page").await?;

    // The way to a reset link, and back.
    browser
        .find(Locator::Css("#forgot"))
        .await
        .map_err(fail)?
        .click()
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h2", "Восстановление пароля").await?;
    accessible(browser, "the reset-link page").await?;
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    if !message.contains("Неверное имя пользователя или пароль") {
        return Err(format!("the wrong password's message: {message:?}"));
    }

    // The right one: the Today board.
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    expect_text(browser, "#count-employees", "2").await?;
    expect_text(browser, "#count-arrived", "0").await?;
    accessible(browser, "the Today board").await?;

    // Uzbek, chosen in the header.
    let select = browser.find(Locator::Css("#lang")).await.map_err(fail)?;
    select.select_by_value("uz").await.map_err(fail)?;
    browser
        .find(Locator::Css("form[action='/language'] button"))
        .await
        .map_err(fail)?
        .click()
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h1", "Bugun").await?;

    // A clock-in shows up without a reload (the board asks every 15 s).
    console.clock_in(worker, START + 17 * 60).await;
    wait_for_text_within(browser, "#count-arrived", "1", Duration::from_secs(25)).await?;
    expect_text(browser, "#count-late", "1").await?;

    // On a phone: nothing wider than the screen, the counts still there.
    browser.set_window_size(360, 740).await.map_err(fail)?;
    no_overflow(browser, "the Today board").await?;
    expect_text(browser, "#count-late", "1").await?;
    accessible(browser, "the Today board on a phone").await?;

    // Signing out leads back to the sign-in page, and the board is closed.
    browser
        .find(Locator::Css("#sign-out"))
        .await
        .map_err(fail)?
        .click()
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h2", "Kirish").await?;
    browser.goto(&console.url("/")).await.map_err(fail)?;
    wait_for_text(browser, "h2", "Kirish").await
}

#[tokio::test]
async fn hr_hires_with_a_correction_dismisses_re_hires_and_a_head_sees_only_their_people() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = employees_walk(&console, &browser).await;
            if let Err(problem) = outcome {
                let name = format!("employees-{:?}", console.backend);
                let saved = save_failure(&browser, &name).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn employees_walk(console: &Console, browser: &Client) -> Step {
    let store_room = console.add_department("Склад").await;
    let shop = console.add_department("Магазин").await;
    console.add_head("head@test.uz", store_room).await;
    console.add_employee_in("Кладовщик", store_room).await;
    let seller = console.add_employee_in("Продавец", shop).await;

    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    click(browser, "nav a[href='/employees']").await?;
    wait_for_text(browser, "h1", "Сотрудники").await?;
    accessible(browser, "the employee list").await?;

    // A hire without a first name: the message beside the field, the rest kept.
    click(browser, "#hire").await?;
    wait_for_text(browser, "h1", "Принять сотрудника").await?;
    type_into(browser, "#f-last_name", "Каримова").await?;
    choose_first(browser, "#f-department_id").await?;
    choose_first(browser, "#f-schedule_id").await?;
    click(browser, "#save").await?;
    wait_for(browser, "#first_name-error").await?;
    let kept = browser
        .find(Locator::Css("#f-last_name"))
        .await
        .map_err(fail)?
        .prop("value")
        .await
        .map_err(fail)?;
    if kept.as_deref() != Some("Каримова") {
        return Err(format!("the typed last name was not kept: {kept:?}"));
    }
    accessible(browser, "a refused hire").await?;
    type_into(browser, "#f-first_name", "Нилуфар").await?;
    click(browser, "#save").await?;
    wait_for_text(browser, "h1", "Каримова Нилуфар").await?;
    accessible(browser, "the employee's file").await?;

    // The file on a phone: nothing wider than the screen.
    browser.set_window_size(360, 740).await.map_err(fail)?;
    no_overflow(browser, "the employee's file").await?;
    accessible(browser, "the employee's file on a phone").await?;
    browser.set_window_size(1280, 900).await.map_err(fail)?;

    // Dismissed on the last day employed being today: pending, and cancelled.
    click(browser, "#dismiss").await?;
    wait_for(browser, "#cancel-dismissal").await?;
    // The pending page offers both buttons: wait for the cancel button to go, so that
    // the next navigation does not race the form's own.
    click(browser, "#cancel-dismissal").await?;
    wait_gone(browser, "#cancel-dismissal").await?;

    // Another employee dismissed from yesterday, then re-hired from today.
    browser
        .goto(&console.url(&format!("/employees/{seller}")))
        .await
        .map_err(fail)?;
    wait_for(browser, "#exp_date").await?;
    browser
        .execute(
            "document.getElementById('exp_date').value = '2025-03-03';",
            vec![],
        )
        .await
        .map_err(fail)?;
    click(browser, "#dismiss").await?;
    wait_for_text(browser, "#employee-status", "Уволен").await?;
    click(browser, "#rehire").await?;
    wait_for_text(browser, "#employee-status", "Работает").await?;

    // The activity log has the dismissal and the re-hire.
    click(browser, "nav a[href='/activity']").await?;
    wait_for_text(browser, "h1", "Журнал действий").await?;
    let log = text(browser, "#activity").await?;
    if !log.contains("dismissEmployee") || !log.contains("recoveryEmployee") {
        return Err(format!("the activity log: {log:?}"));
    }
    accessible(browser, "the activity log").await?;
    click(browser, "nav a[href='/departments']").await?;
    wait_for_text(browser, "h1", "Отделы").await?;
    accessible(browser, "the department tree").await?;
    click(browser, "nav a[href='/positions']").await?;
    wait_for_text(browser, "h1", "Должности").await?;
    accessible(browser, "the positions").await?;
    click(browser, "nav a[href='/locations']").await?;
    wait_for_text(browser, "h1", "Локации").await?;
    accessible(browser, "the locations").await?;
    click(browser, "nav a[href='/holidays']").await?;
    wait_for(browser, "#add-holiday").await?;
    accessible(browser, "the holiday calendar").await?;
    click(browser, "nav a[href='/devices']").await?;
    wait_for(browser, "#register-device").await?;
    accessible(browser, "the devices").await?;
    click(browser, "nav a[href='/settings']").await?;
    wait_for(browser, "#create-client").await?;
    accessible(browser, "the settings").await?;
    click(browser, "#users-link").await?;
    wait_for(browser, "#users").await?;
    accessible(browser, "the users and roles").await?;

    // A form posted from the page without the session's token is refused, and
    // changes nothing: the browser is still signed in.
    let forged = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch('/positions', {method: 'POST', body: new URLSearchParams({title: 'Подделка'})})\
               .then(r => done(r.status)).catch(e => done('failed: ' + e));",
            vec![],
        )
        .await
        .map_err(fail)?;
    if forged.as_i64() != Some(403) {
        return Err(format!("a form without its token answered {forged}"));
    }
    browser
        .goto(&console.url("/positions"))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h1", "Должности").await?;
    if text(browser, "main").await?.contains("Подделка") {
        return Err("a form without its token changed something".into());
    }

    // A shift cycle built in the editor: a day shift and a night shift, previewed.
    click(browser, "nav a[href='/schedules']").await?;
    wait_for_text(browser, "h1", "Графики работы").await?;
    click(browser, "#new-schedule").await?;
    wait_for_text(browser, "h1", "Новый график").await?;
    type_into(browser, "#f-title", "Сутки").await?;
    browser
        .find(Locator::Css("#f-type"))
        .await
        .map_err(fail)?
        .select_by_value("4")
        .await
        .map_err(fail)?;
    let shown = browser
        .find(Locator::Css("#cycle_length"))
        .await
        .map_err(fail)?
        .is_displayed()
        .await
        .map_err(fail)?;
    if !shown {
        return Err("choosing shifts did not show the cycle".into());
    }
    type_into(browser, "#cycle_length", "2").await?;
    for (css, text) in [
        ("input[name=c0_start]", "08:00"),
        ("input[name=c0_end]", "20:00"),
        ("input[name=c1_start]", "20:00"),
        ("input[name=c1_end]", "08:00"),
    ] {
        type_into(browser, css, text).await?;
    }
    click(browser, "input[name=c0_on]").await?;
    click(browser, "input[name=c1_on]").await?;
    click(browser, "#preview-button").await?;
    wait_for(browser, "#preview").await?;
    let plan = text(browser, "#preview").await?;
    if !plan.contains("08:00–20:00") || !plan.contains("20:00–08:00 (+1)") {
        return Err(format!("the preview: {plan:?}"));
    }
    accessible(browser, "the schedule editor with its preview").await?;
    click(browser, "#save").await?;
    wait_for_text(browser, "h1", "Графики работы").await?;
    let listed = text(browser, "#schedules").await?;
    if !listed.contains("Сутки") {
        return Err(format!("the saved schedule is not listed: {listed:?}"));
    }

    // A head sees their department's people only.
    click(browser, "#sign-out").await?;
    wait_for(browser, "#email").await?;
    sign_in(browser, "head@test.uz", crate::support::USER_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    browser
        .goto(&console.url("/employees"))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h1", "Сотрудники").await?;
    let listed = text(browser, "#employees").await?;
    if !listed.contains("Кладовщик") || listed.contains("Продавец") {
        return Err(format!("the head's list: {listed:?}"));
    }
    browser.goto(&console.url("/me")).await.map_err(fail)?;
    wait_for(browser, "#clock-in").await?;
    accessible(browser, "one's own page").await?;
    browser
        .goto(&console.url(&format!("/employees/{seller}")))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h1", "Ошибка 403").await
}

async fn click(browser: &Client, css: &str) -> Step {
    browser
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("{css}: {e}"))
}

async fn type_into(browser: &Client, css: &str, text: &str) -> Step {
    browser
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .send_keys(text)
        .await
        .map_err(fail)
}

/// Chooses the first option after the blank one.
async fn choose_first(browser: &Client, css: &str) -> Step {
    browser
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .select_by_index(1)
        .await
        .map_err(fail)
}

async fn wait_for(browser: &Client, css: &str) -> Step {
    browser
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(css))
        .await
        .map(|_| ())
        .map_err(|e| format!("{css} did not appear: {e}"))
}

/// Waits until no element matches `css` (a deadline, not a sleep).
async fn wait_gone(browser: &Client, css: &str) -> Step {
    let deadline = Instant::now() + Duration::from_secs(5);
    while browser.find(Locator::Css(css)).await.is_ok() {
        if Instant::now() > deadline {
            return Err(format!("{css} is still there"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Every page of the console, as an admin reads it in Uzbek on a phone.
#[tokio::test]
async fn every_page_reads_in_uzbek_on_a_phone() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = uzbek_phone_walk(&console, &browser).await;
            if let Err(problem) = outcome {
                let saved =
                    save_failure(&browser, &format!("uz-phone-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn uzbek_phone_walk(console: &Console, browser: &Client) -> Step {
    let worker = console.add_employee("Dilshod").await;
    // Came on Monday 2025-03-03 at 09:17 and the terminal missed the out.
    console.clock_in(worker, START - 24 * 3600 + 17 * 60).await;
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    // First in Russian on a desktop window: the month's timesheet, and the Monday's day
    // opened from its cell.
    browser
        .goto(&console.url("/timesheet?month=2025-03"))
        .await
        .map_err(fail)?;
    wait_for_text_containing(browser, "h1", "Табель учёта рабочего времени: Март 2025").await?;
    accessible(browser, "the timesheet in Russian").await?;
    let monday = format!("tr[data-employee='{worker}'] td:nth-of-type(3) a");
    click(browser, &monday).await?;
    wait_for_text_containing(browser, "#day-plan", "09:00–18:00").await?;
    wait_for_text_containing(browser, "#day-facts", "Нет ухода").await?;
    accessible(browser, "a day of the timesheet in Russian").await?;
    browser.goto(&console.url("/")).await.map_err(fail)?;
    // Uzbek, chosen in the header; then a phone-sized window for the rest.
    let select = browser.find(Locator::Css("#lang")).await.map_err(fail)?;
    select.select_by_value("uz").await.map_err(fail)?;
    click(browser, "form[action='/language'] button").await?;
    wait_for_text(browser, "h1", "Bugun").await?;
    browser.set_window_size(360, 740).await.map_err(fail)?;

    let file = format!("/employees/{worker}");
    let edit = format!("/employees/{worker}/edit");
    let day = format!("/timesheet/day?employee={worker}&date=2025-03-03");
    let payroll = format!("/employees/{worker}/payroll");
    // A terminal claimed by an operator: its page with the ADMS section.
    let location: i64 = davomat_store::testing::scalar(
        &console.store,
        "SELECT min(id) FROM locations WHERE company_id = $1",
        &[console.company.company_id.0],
    )
    .await;
    let claim = davomat_app::adms::Claim {
        serial: "ZKPHONE01".into(),
        company: console.company.company_id,
        location: davomat_core::LocationId(location),
        time_zone: None,
    };
    let terminal = davomat_app::adms::claim(&console.store, claim, None, START)
        .await
        .map_err(fail)?
        .map_err(|refusal| format!("{refusal:?}"))?;
    let terminal = format!("/devices/{}", terminal.0);
    let pages: [(&str, &str); 27] = [
        ("/", "Bugun"),
        ("/employees", "Xodimlar"),
        (&file, "Dilshod"),
        (&edit, "Tahrirlash"),
        ("/employees/new", "Xodimni ishga olish"),
        ("/departments", "Boʻlimlar"),
        ("/positions", "Lavozimlar"),
        ("/locations", "Manzillar"),
        ("/schedules", "Ish jadvallari"),
        ("/schedules/new", "Yangi jadval"),
        (
            "/holidays?year=2025",
            "Bayramlar va qisqartirilgan kunlar 2025",
        ),
        ("/devices", "Qurilmalar"),
        ("/devices/unmatched", "Xodimsiz belgilar"),
        (&terminal, "ZKPHONE01"),
        ("/activity", "Harakatlar jurnali"),
        ("/settings", "Sozlamalar"),
        ("/settings/users", "Foydalanuvchilar va rollar"),
        ("/settings/webhooks", "Vebhuklar"),
        (
            "/timesheet?month=2025-03",
            "Ish vaqti hisobi tabeli: Mart 2025",
        ),
        (&day, "Dilshod"),
        (&payroll, "Ish haqi va jarimalar"),
        (
            "/payroll/rates",
            "Boʻlim uchun stavka, qoidalar va jarimalar",
        ),
        ("/time-offs", "Taʼtillar, kasallik va javoblar"),
        ("/time-offs/calendar?month=2025-03", "Yoʻqlar taqvimi"),
        ("/charts?month=2025-03", "Oylik davomat: Mart 2025"),
        (
            "/reports/late-in?start_date=2025-03-01&end_date=2025-03-04",
            "Kechikishlar",
        ),
        (
            "/reports/t12?start_date=2025-03-01&end_date=2025-03-04",
            "T-12 tabeli",
        ),
    ];
    for (path, heading) in pages {
        browser.goto(&console.url(path)).await.map_err(fail)?;
        wait_for_text_containing(browser, "h1", heading).await?;
        let lang = browser
            .execute("return document.documentElement.lang;", vec![])
            .await
            .map_err(fail)?;
        if lang.as_str() != Some("uz") {
            return Err(format!("{path} is marked as {lang}, not uz"));
        }
        no_overflow(browser, path).await?;
        accessible(browser, &format!("{path} in Uzbek on a phone")).await?;
    }

    // A position added through its form on the phone shows in the list.
    browser
        .goto(&console.url("/positions"))
        .await
        .map_err(fail)?;
    type_into(browser, "#f-title", "Hisobchi").await?;
    click(browser, "#create-position").await?;
    wait_for_text_containing(browser, "#positions", "Hisobchi").await?;
    no_overflow(browser, "/positions after adding one").await?;

    // A Saturday moved to a working day, worked like a Monday, entered through the
    // calendar's form on the phone.
    browser
        .goto(&console.url("/holidays?year=2025"))
        .await
        .map_err(fail)?;
    // The date picker's typing order follows the browser's locale; set it as the
    // picker would.
    browser
        .execute(
            "document.querySelector('#f-date').value = '2025-03-15';",
            vec![],
        )
        .await
        .map_err(fail)?;
    type_into(browser, "#f-title", "Koʻchirilgan ish kuni").await?;
    for (css, value) in [("#f-kind", "workday"), ("#f-as_weekday", "1")] {
        let select = browser.find(Locator::Css(css)).await.map_err(fail)?;
        select.select_by_value(value).await.map_err(fail)?;
    }
    click(browser, "#add-holiday").await?;
    wait_for_text_containing(browser, "#holidays", "Ish kuni (koʻchirilgan) (Dushanba)").await?;
    no_overflow(browser, "/holidays after a moved working day").await?;
    accessible(
        browser,
        "the calendar with a moved working day, in Uzbek on a phone",
    )
    .await?;

    // The missing out added from the timesheet: the Monday's cell opens the day, the
    // form takes the time and the reason, and the month shows the hours at once.
    browser
        .goto(&console.url("/timesheet?month=2025-03"))
        .await
        .map_err(fail)?;
    wait_for_text(browser, &monday, "Я").await?;
    click(browser, &monday).await?;
    wait_for_text_containing(browser, "#day-plan", "09:00–18:00").await?;
    browser
        .execute("document.querySelector('#time').value = '18:00';", vec![])
        .await
        .map_err(fail)?;
    let kind = browser.find(Locator::Css("#kind")).await.map_err(fail)?;
    kind.select_by_value("out").await.map_err(fail)?;
    type_into(browser, "#reason", "Terminal ishlamadi").await?;
    click(browser, "#add").await?;
    wait_for_text_containing(browser, "#done", "Belgi qoʻshildi").await?;
    wait_for_text_containing(browser, "#events", "qoʻlda").await?;
    no_overflow(browser, "a corrected day").await?;
    accessible(browser, "a corrected day, in Uzbek on a phone").await?;
    click(browser, "#back-to-month").await?;
    wait_for_text_containing(browser, &monday, "8:43").await?;
    no_overflow(browser, "/timesheet after a correction").await?;

    // The month's grid asked for on the phone: the file's page shows the writing, then
    // its download link.
    click(browser, "#download-csv").await?;
    wait_for(browser, "#file-download").await?;
    no_overflow(browser, "a written file's page").await?;
    accessible(browser, "a written file's page, in Uzbek on a phone").await
}

#[tokio::test]
async fn hr_downloads_the_month_and_a_report_from_the_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let downloads = std::env::temp_dir().join(format!(
                "davomat-downloads-{}-{:?}",
                std::process::id(),
                console.backend
            ));
            let _ = std::fs::remove_dir_all(&downloads);
            std::fs::create_dir_all(&downloads).expect("a download folder");
            let browser = driver.browser_saving_to(Some(&downloads)).await;
            let outcome = downloads_walk(&console, &browser, &downloads).await;
            let _ = std::fs::remove_dir_all(&downloads);
            if let Err(problem) = outcome {
                let saved =
                    save_failure(&browser, &format!("downloads-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

/// The T-13 form and the grid downloaded from the timesheet page the way HR does it —
/// a button, the file's page with its progress, the download link — and the late-in
/// report's XLSX from its page, each file read back from the browser's download folder;
/// then the late arrival voided on the day's page leaves the late-in report, and a
/// time-off approved with a comment turns the day's cell into its code.
async fn downloads_walk(console: &Console, browser: &Client, folder: &std::path::Path) -> Step {
    let worker = console.add_employee("Dilshod").await;
    // Came on Monday 2025-03-03 at 09:17 (late 17 minutes) and the terminal missed the out.
    console.clock_in(worker, START - 24 * 3600 + 17 * 60).await;
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;

    browser
        .goto(&console.url("/timesheet?month=2025-03"))
        .await
        .map_err(fail)?;
    click(browser, "#download-xlsx").await?;
    wait_for_text_containing(browser, "#file-name", "t13-2025-03.xlsx").await?;
    wait_for(browser, "#file-download").await?;
    accessible(browser, "a written file's page").await?;
    click(browser, "#file-download").await?;
    let form = downloaded(folder, "t13-2025-03.xlsx").await?;
    let rows = xlsx_rows(form)?;
    let at = rows
        .iter()
        .position(|r| r.iter().any(|c| c.contains("Тестов Dilshod")))
        .ok_or_else(|| format!("the worker in the form: {rows:?}"))?;
    // Columns D.. are days 1–15: Saturday the 1st В, Monday the 3rd Я.
    if (rows[at][3].as_str(), rows[at][5].as_str()) != ("В", "Я") {
        return Err(format!("the worker's codes: {:?}", rows[at]));
    }

    browser
        .goto(&console.url("/timesheet?month=2025-03"))
        .await
        .map_err(fail)?;
    click(browser, "#download-csv").await?;
    wait_for(browser, "#file-download").await?;
    click(browser, "#file-download").await?;
    let grid = downloaded(folder, "t13-2025-03.csv").await?;
    let grid = String::from_utf8(grid).map_err(fail)?;
    if !grid.starts_with("\u{feff}ID сотрудника;ФИО;Табельный номер;") {
        return Err(format!("the grid's columns: {grid}"));
    }

    browser
        .goto(&console.url("/reports/late-in?start_date=2025-03-01&end_date=2025-03-04"))
        .await
        .map_err(fail)?;
    click(browser, "#download-xlsx").await?;
    let report = downloaded(folder, "late-in.xlsx").await?;
    let rows = xlsx_rows(report)?;
    let head = rows.first().cloned().unwrap_or_default();
    let line = rows
        .iter()
        .find(|r| r.iter().any(|c| c.contains("Тестов Dilshod")))
        .ok_or_else(|| format!("the worker in the report: {rows:?}"))?;
    let late = head
        .iter()
        .position(|c| c == "Опоздание")
        .ok_or_else(|| format!("a late column: {head:?}"))?;
    if !line[late].starts_with("00:17") {
        return Err(format!("late 00:17 in {line:?} under {head:?}"));
    }

    // The late arrival voided from the day's page: the late-in report is empty at once.
    browser
        .goto(&console.url(&format!("/timesheet/day?employee={worker}&date=2025-03-03")))
        .await
        .map_err(fail)?;
    type_into(browser, "input[id^='void-reason-']", "Чужая карта").await?;
    click(browser, "button[id^='void-']").await?;
    wait_for_text_containing(browser, "#done", "").await?;
    browser
        .goto(&console.url("/reports/late-in?start_date=2025-03-01&end_date=2025-03-04"))
        .await
        .map_err(fail)?;
    wait_for(browser, "#found").await?;
    let report = text(browser, "main").await?;
    if report.contains("Тестов Dilshod") {
        return Err(format!("the voided arrival is still late: {report}"));
    }

    // A time-off asked for Tuesday the 4th, approved with a comment on the time-offs
    // page: the Tuesday's cell turns from НН to ДО (unpaid, its type has no code).
    let kind = davomat_store::time_off_types::create(
        console.store.connection(),
        console.company.company_id,
        &davomat_store::time_off_types::TimeOffTypeFields {
            title: "Отгул".into(),
            description: String::new(),
            color: "00AA00".into(),
        },
        START,
    )
    .await
    .map_err(fail)?;
    let zone = davomat_core::zone::CompanyZone::named_or_default("Asia/Tashkent");
    let tuesday = chrono::NaiveDate::from_ymd_opt(2025, 3, 4).ok_or("a date")?;
    let wednesday = tuesday.succ_opt().ok_or("a date")?;
    davomat_store::time_offs::create(
        console.store.connection(),
        console.company.company_id,
        &davomat_store::time_offs::NewTimeOff {
            employee_id: davomat_core::EmployeeId(worker),
            type_id: davomat_core::TimeOffTypeId(kind),
            daily: true,
            start_at: zone.day_start(davomat_core::dates::civil(tuesday)),
            end_at: zone.day_start(davomat_core::dates::civil(wednesday)) - 1,
            description: Some("Семейные обстоятельства".into()),
            paid: false,
            status: 0,
            created_by: None,
        },
        START,
    )
    .await
    .map_err(fail)?;
    browser
        .goto(&console.url("/time-offs?status=0"))
        .await
        .map_err(fail)?;
    type_into(browser, "input[id^='comment-']", "Согласовано").await?;
    click(browser, "button[id^='approve-']").await?;
    wait_for_text_containing(browser, "#found", "").await?;
    browser
        .goto(&console.url("/time-offs?status=1"))
        .await
        .map_err(fail)?;
    wait_for_text_containing(browser, "#time-offs", "Согласовано").await?;
    browser
        .goto(&console.url("/timesheet?month=2025-03"))
        .await
        .map_err(fail)?;
    let tuesday_cell = format!("tr[data-employee='{worker}'] td:nth-of-type(4)");
    wait_for_text_containing(browser, &tuesday_cell, "ДО").await?;
    accessible(browser, "the timesheet after an approval").await
}

/// The bytes of `name` once the browser has finished writing it into `folder` (up to
/// 20 s).
async fn downloaded(folder: &std::path::Path, name: &str) -> Result<Vec<u8>, String> {
    let path = folder.join(name);
    let partial = folder.join(format!("{name}.crdownload"));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if path.exists() && !partial.exists() {
            let bytes = std::fs::read(&path).map_err(fail)?;
            if !bytes.is_empty() {
                return Ok(bytes);
            }
        }
        if Instant::now() > deadline {
            let found: Vec<_> = std::fs::read_dir(folder)
                .map_err(fail)?
                .flatten()
                .map(|e| e.file_name())
                .collect();
            return Err(format!(
                "{name} was not downloaded; the folder holds {found:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first sheet of an XLSX file as rows of text.
fn xlsx_rows(bytes: Vec<u8>) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(fail)?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or("no sheet")?
        .map_err(fail)?;
    Ok(sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

/// Waits until the element's text contains `expected`, up to 5 s.
async fn wait_for_text_containing(browser: &Client, css: &str, expected: &str) -> Step {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(found) = text(browser, css).await
            && found.contains(expected)
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            let found = text(browser, css).await.unwrap_or_default();
            return Err(format!("{css} reads {found:?}, without {expected:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Nothing on the page is wider than the window.
async fn no_overflow(browser: &Client, page: &str) -> Step {
    let overflow = browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .map_err(fail)?;
    if overflow.as_i64().unwrap_or(1) > 0 {
        // Name what sticks out (outside the scrolling regions), to find it quickly.
        let culprits = browser
            .execute(
                "return [...document.querySelectorAll('body *')]\
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth && !e.closest('.scroll'))\
                   .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 6);",
                vec![],
            )
            .await
            .map_err(fail)?;
        return Err(format!(
            "{page} is wider than the window by {overflow}: {culprits}"
        ));
    }
    Ok(())
}

/// The page passes axe-core's rules (WCAG 2 A and AA); each violation is named.
async fn accessible(browser: &Client, page: &str) -> Step {
    const AXE: &str = include_str!("axe.min.js");
    browser.execute(AXE, vec![]).await.map_err(fail)?;
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})\
               .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .map_err(fail)?;
    match found.as_array() {
        Some(violations) if violations.is_empty() => Ok(()),
        _ => Err(format!("{page} breaks accessibility rules: {found}")),
    }
}

async fn sign_in(browser: &Client, email: &str, password: &str) -> Step {
    let field = browser.find(Locator::Css("#email")).await.map_err(fail)?;
    field.clear().await.map_err(fail)?;
    field.send_keys(email).await.map_err(fail)?;
    let field = browser
        .find(Locator::Css("#password"))
        .await
        .map_err(fail)?;
    field.send_keys(password).await.map_err(fail)?;
    browser
        .find(Locator::Css("#sign-in"))
        .await
        .map_err(fail)?
        .click()
        .await
        .map_err(fail)
}

async fn text(browser: &Client, css: &str) -> Result<String, String> {
    browser
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .text()
        .await
        .map_err(fail)
}

async fn expect_text(browser: &Client, css: &str, expected: &str) -> Step {
    let found = text(browser, css).await?;
    if found.trim() == expected {
        Ok(())
    } else {
        Err(format!("{css} reads {found:?}, not {expected:?}"))
    }
}

async fn wait_for_text(browser: &Client, css: &str, expected: &str) -> Step {
    wait_for_text_within(browser, css, expected, Duration::from_secs(5)).await
}

/// Waits until the element reads `expected`, up to `limit` (a deadline, not a sleep).
async fn wait_for_text_within(
    browser: &Client,
    css: &str,
    expected: &str,
    limit: Duration,
) -> Step {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(found) = text(browser, css).await
            && found.trim() == expected
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            let found = text(browser, css).await.unwrap_or_default();
            return Err(format!("{css} still reads {found:?}, not {expected:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Writes the screenshot and the HTML of the page under `target/browser-failures/`.
async fn save_failure(browser: &Client, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
    if let Ok(html) = browser.source().await {
        let _ = std::fs::write(dir.join(format!("{name}.html")), html);
    }
    dir
}

/// A kiosk on a phone-sized tablet in Uzbek: an admin adds it in the console and opens
/// its link; a PIN punches in, an unknown PIN is refused; then the server goes away (the
/// page still opens, from its service worker), a punch made meanwhile waits in the
/// browser, and when the server is back it is sent once, with the time it was made.
#[tokio::test]
async fn a_kiosk_punches_by_pin_and_keeps_what_was_punched_offline() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|mut console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = kiosk_walk(&mut console, &browser).await;
            if let Err(problem) = outcome {
                let saved = save_failure(&browser, &format!("kiosk-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

/// Signs in as the admin and adds a kiosk on the devices page: its token and id.
async fn add_kiosk(console: &Console, browser: &Client) -> Result<(String, i64), String> {
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    browser.goto(&console.url("/devices")).await.map_err(fail)?;
    type_into(browser, "#kiosk-title", "Asosiy kirish").await?;
    click(browser, "#add-kiosk").await?;
    wait_for(browser, "#hikvision-url").await?;
    let link = browser
        .find(Locator::Css("#hikvision-url"))
        .await
        .map_err(fail)?
        .prop("value")
        .await
        .map_err(fail)?
        .ok_or("the kiosk's link")?;
    let token = link.split("#token=").nth(1).ok_or("a token in the link")?;
    let kiosk = davomat_store::testing::scalar(
        &console.store,
        "SELECT id FROM devices WHERE kind = 'kiosk'",
        &[],
    )
    .await;
    Ok((token.to_string(), kiosk))
}

async fn kiosk_walk(console: &mut Console, browser: &Client) -> Step {
    let me = console.company.admin_employee_id.0;
    let pin = crate::support::text_of(console, me, "pin_code").await;
    let name = crate::support::text_of(console, me, "full_name").await;
    let (token, kiosk) = add_kiosk(console, browser).await?;

    // The tablet: a phone-sized window, in Uzbek.
    browser.set_window_size(360, 740).await.map_err(fail)?;
    browser
        .goto(&console.url(&format!("/kiosk?lang=uz#token={token}")))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "h1", "Kelish va ketish belgisi").await?;
    accessible(browser, "the kiosk").await?;
    no_overflow(browser, "the kiosk").await?;
    let press = |digits: String| async move {
        for digit in digits.chars() {
            click(browser, &format!("#digit-{digit}")).await?;
        }
        click(browser, "#enter").await
    };
    press(pin.clone()).await?;
    wait_for_text(browser, "#result-name", &name).await?;
    expect_text(browser, "#result-event", "Kelish").await?;
    press("98765".into()).await?;
    wait_for_text(browser, "#result-refused", "Noma’lum PIN yoki QR-kod.").await?;

    // The service worker holds the page before the network goes.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let controlled = browser
            .execute("return !!navigator.serviceWorker.controller;", vec![])
            .await
            .map_err(fail)?;
        if controlled.as_bool() == Some(true) {
            break;
        }
        if Instant::now() > deadline {
            return Err("the kiosk's service worker never took the page".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    console.go_offline().await;
    browser.refresh().await.map_err(fail)?;
    wait_for_text(browser, "h1", "Kelish va ketish belgisi").await?;
    wait_for(browser, "#digit-1").await?;
    press(pin.clone()).await?;
    wait_for_text(
        browser,
        "#result-queued",
        "Tarmoq yo‘q: belgi saqlandi va yuboriladi.",
    )
    .await?;
    wait_for_text(browser, "#waiting", "Yuborilishini kutmoqda: 1").await?;
    let made_at = chrono::Utc::now().timestamp();

    // Back: the server's clock is the tablet's now, so that the punch is not "ahead".
    console.clock.advance(made_at - console.clock.now());
    console.come_back().await;
    wait_for_text_within(browser, "#waiting", "", Duration::from_secs(25)).await?;
    let stored = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1",
        &[kiosk],
    )
    .await;
    if stored != 2 {
        return Err(format!("{stored} events from the kiosk, not 2"));
    }
    let late = davomat_store::testing::scalar(
        &console.store,
        "SELECT max(at) FROM clock_events WHERE device_id = $1",
        &[kiosk],
    )
    .await;
    if (late - made_at).abs() > 60 {
        return Err(format!(
            "the queued punch was stored at {late}, made at {made_at}"
        ));
    }
    Ok(())
}

/// Webhooks in the console, as an admin sets one up in Russian on a desktop: from the
/// settings to the webhooks page, a subscription refused without an event (the message
/// beside the events), then made (its secret shown once); its delivery log with an
/// event's delivery, *Send again* putting it back to waiting and, in maintenance,
/// answered by the maintenance page in Russian; then in Uzbek on a
/// 360 px window, a second subscription made, and its removal in maintenance answered
/// with the maintenance page (nothing removed).
#[tokio::test]
async fn an_admin_subscribes_a_webhook_reads_its_log_and_sends_a_delivery_again() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = webhooks_walk(&console, &browser).await;
            if let Err(problem) = outcome {
                let saved =
                    save_failure(&browser, &format!("webhooks-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn webhooks_walk(console: &Console, browser: &Client) -> Step {
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;
    browser
        .goto(&console.url("/settings"))
        .await
        .map_err(fail)?;
    click(browser, "#webhooks-link").await?;
    wait_for_text(browser, "h1", "Вебхуки").await?;
    wait_for(browser, "#webhooks-none").await?;
    accessible(browser, "the webhooks page").await?;

    // No event ticked: refused beside the events.
    type_into(browser, "#f-url", "http://127.0.0.1:9/hr-system").await?;
    click(browser, "#add-webhook").await?;
    wait_for(browser, "#events-error").await?;
    accessible(browser, "the webhooks page with a refusal").await?;
    // Two events: made, its secret shown once.
    click(browser, "input[name='events'][value='clock.in']").await?;
    click(browser, "input[name='events'][value='employee.dismissed']").await?;
    click(browser, "#add-webhook").await?;
    wait_for(browser, "#webhook-secret").await?;
    let secret = browser
        .find(Locator::Css("#webhook-secret"))
        .await
        .map_err(fail)?
        .prop("value")
        .await
        .map_err(fail)?
        .unwrap_or_default();
    if secret.len() != 40 {
        return Err(format!("the secret {secret:?} is not 40 hex characters"));
    }
    wait_for_text_containing(browser, "#webhooks", "clock.in, employee.dismissed").await?;

    // A delivery in its log, as a clock-in writes it; the worker's attempt (nobody
    // listens at that port) leaves it waiting.
    let webhook =
        davomat_store::testing::scalar(&console.store, "SELECT max(id) FROM webhooks", &[]).await;
    let payload = r#"{"event":"clock.in","data":{}}"#.to_string();
    davomat_store::webhooks::enqueue(
        console.store.connection(),
        console.company.company_id,
        davomat_core::webhooks::WebhookEvent::ClockIn,
        &[payload],
        console.clock.now(),
    )
    .await
    .map_err(fail)?;
    let delivery = davomat_store::testing::scalar(
        &console.store,
        "SELECT max(id) FROM webhook_deliveries WHERE webhook_id = $1",
        &[webhook],
    )
    .await;
    click(browser, &format!("a[href='/settings/webhooks/{webhook}']")).await?;
    wait_for_text(browser, "h1", "Журнал доставок").await?;
    wait_for(browser, &format!("#delivery-{delivery}")).await?;
    accessible(browser, "the delivery log").await?;
    let attempted = "SELECT count(*) FROM webhook_deliveries WHERE id = $1 AND attempts > 0";
    let deadline = Instant::now() + Duration::from_secs(10);
    while davomat_store::testing::scalar(&console.store, attempted, &[delivery]).await == 0 {
        if Instant::now() > deadline {
            return Err("the worker never tried the delivery".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Given up meanwhile (as after a day): *Send again* puts it back to waiting.
    davomat_store::testing::execute(
        &console.store,
        "UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1",
        &[delivery],
    )
    .await;
    browser.refresh().await.map_err(fail)?;
    wait_for_text_containing(browser, &format!("#delivery-{delivery}"), "Не доставлено").await?;
    click(browser, &format!("#resend-{delivery}")).await?;
    // The log is shown again once the resend is done (the same heading was there
    // before the click, so wait for the row).
    wait_for_text_containing(browser, &format!("#delivery-{delivery}"), "Ожидает").await?;
    let waiting = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM webhook_deliveries WHERE id = $1 AND status = 'pending'",
        &[delivery],
    )
    .await;
    if waiting != 1 {
        return Err("the delivery is not waiting again after Send again".into());
    }
    // In maintenance, *Send again* answers the maintenance page, in Russian.
    refused_in_maintenance(
        console,
        browser,
        &format!("#resend-{delivery}"),
        "на обслуживании",
    )
    .await?;

    // In Uzbek on a phone: a second subscription made; then, in maintenance, removing
    // it answers the maintenance page in Uzbek and removes nothing.
    browser.goto(&console.url("/")).await.map_err(fail)?;
    let select = browser.find(Locator::Css("#lang")).await.map_err(fail)?;
    select.select_by_value("uz").await.map_err(fail)?;
    click(browser, "form[action='/language'] button").await?;
    wait_for_text(browser, "h1", "Bugun").await?;
    browser.set_window_size(360, 740).await.map_err(fail)?;
    browser
        .goto(&console.url("/settings"))
        .await
        .map_err(fail)?;
    click(browser, "#webhooks-link").await?;
    wait_for_text(browser, "h1", "Vebhuklar").await?;
    type_into(browser, "#f-url", "http://127.0.0.1:9/kadrlar").await?;
    click(browser, "input[name='events'][value='employee.created']").await?;
    click(browser, "#add-webhook").await?;
    wait_for(browser, "#webhook-secret").await?;
    wait_for_text_containing(browser, "#webhooks", "employee.created").await?;
    accessible(browser, "the webhooks page in Uzbek").await?;
    no_overflow(browser, "the webhooks page in Uzbek").await?;
    refused_in_maintenance(
        console,
        browser,
        "#webhooks form[action$='/delete'] button",
        "texnik xizmatda",
    )
    .await?;
    no_overflow(browser, "the maintenance page in Uzbek").await?;
    let kept =
        davomat_store::testing::scalar(&console.store, "SELECT count(*) FROM webhooks", &[]).await;
    if kept != 2 {
        return Err(format!(
            "{kept} subscriptions after a refused removal, 2 expected"
        ));
    }
    Ok(())
}

/// Turns maintenance on, clicks `css` (a form's button) and expects the maintenance
/// page saying `expected` (axe passing), then turns maintenance off again.
async fn refused_in_maintenance(
    console: &Console,
    browser: &Client,
    css: &str,
    expected: &str,
) -> Step {
    davomat_store::system::set_maintenance(&console.store, true)
        .await
        .map_err(fail)?;
    console.maintenance.refresh().await;
    let refused = async {
        click(browser, css).await?;
        wait_for_text_containing(browser, "p.error", expected).await?;
        accessible(browser, "the maintenance page").await
    }
    .await;
    davomat_store::system::set_maintenance(&console.store, false)
        .await
        .map_err(fail)?;
    console.maintenance.refresh().await;
    refused
}

/// A kiosk's camera: the tablet's camera (Chromium's fake one, playing a video of the
/// employee's QR code) is switched on with *Scan*; the code is read — by the vendored
/// jsQR decoder, as Chromium on Linux has no BarcodeDetector — and the punch is stored
/// once, with a snapshot from the camera, in Russian on a desktop window; shown again
/// in Uzbek on a 360 px window, it is the way out.
#[tokio::test]
async fn a_kiosk_reads_a_qr_code_through_the_camera() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let me = console.company.admin_employee_id.0;
            let code = format!("DAVOMAT-QR-{me}-7731");
            davomat_store::testing::execute(
                &console.store,
                &format!("UPDATE employees SET qrcode = '{code}' WHERE id = $1"),
                &[me],
            )
            .await;
            let video = std::env::temp_dir().join(format!(
                "davomat-qr-{}-{:?}.y4m",
                std::process::id(),
                console.backend
            ));
            std::fs::write(&video, camera_showing(&code)).expect("the camera's video");
            let browser = driver.browser_with_camera(&video).await;
            let outcome = camera_walk(&console, &browser).await;
            let _ = std::fs::remove_file(&video);
            if let Err(problem) = outcome {
                let saved =
                    save_failure(&browser, &format!("kiosk-qr-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn camera_walk(console: &Console, browser: &Client) -> Step {
    let me = console.company.admin_employee_id.0;
    let name = crate::support::text_of(console, me, "full_name").await;
    let (token, kiosk) = add_kiosk(console, browser).await?;
    browser
        .goto(&console.url(&format!("/kiosk?lang=ru#token={token}")))
        .await
        .map_err(fail)?;
    wait_for(browser, "#scan").await?;
    click(browser, "#scan").await?;
    wait_for_text_within(browser, "#result-name", &name, Duration::from_secs(15)).await?;
    expect_text(browser, "#result-event", "Приход").await?;
    let reader = browser
        .execute(
            "return document.getElementById('camera').dataset.reader;",
            vec![],
        )
        .await
        .map_err(fail)?;
    if reader.as_str() != Some("jsqr") {
        return Err(format!(
            "the code was read by {reader}, not the vendored decoder"
        ));
    }
    accessible(browser, "the kiosk with its camera on").await?;
    // The code stays in front of the camera: still one punch (one per showing).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stored = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1 AND employee_id = $2",
        &[kiosk, me],
    )
    .await;
    if stored != 1 {
        return Err(format!(
            "{stored} punches from one showing of the code, not 1"
        ));
    }
    let pictures = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM clock_event_pictures p JOIN clock_events e ON e.id = p.clock_event_id \
         WHERE e.device_id = $1",
        &[kiosk],
    )
    .await;
    if pictures != 1 {
        return Err(format!("{pictures} snapshots kept with the punch, not 1"));
    }

    // The same tablet in Uzbek, phone-sized, a minute later: the code shown again is
    // the way out.
    console.clock.advance(60);
    browser.set_window_size(360, 740).await.map_err(fail)?;
    browser
        .goto(&console.url(&format!("/kiosk?lang=uz#token={token}")))
        .await
        .map_err(fail)?;
    wait_for(browser, "#scan").await?;
    click(browser, "#scan").await?;
    wait_for_text_within(browser, "#result-name", &name, Duration::from_secs(15)).await?;
    expect_text(browser, "#result-event", "Ketish").await?;
    accessible(browser, "the kiosk with its camera on, in Uzbek").await?;
    no_overflow(browser, "the kiosk with its camera on, in Uzbek").await?;
    let stored = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM clock_events WHERE device_id = $1 AND employee_id = $2",
        &[kiosk, me],
    )
    .await;
    if stored != 2 {
        return Err(format!("{stored} punches after the second showing, not 2"));
    }
    Ok(())
}

/// A Y4M video (640×480, two frames) of a QR code holding `text`, black on white with
/// its quiet zone, for Chromium's fake camera.
fn camera_showing(text: &str) -> Vec<u8> {
    const WIDTH: usize = 640;
    const HEIGHT: usize = 480;
    let code = qrcode::QrCode::new(text.as_bytes()).expect("a QR code");
    let modules = code.width();
    let colors = code.to_colors();
    let scale = 8;
    let side = (modules + 8) * scale;
    let (left, top) = (
        (WIDTH - side) / 2 + 4 * scale,
        (HEIGHT - side) / 2 + 4 * scale,
    );
    let mut luma = vec![235u8; WIDTH * HEIGHT];
    for (index, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (column, row) = (index % modules, index / modules);
        for y in 0..scale {
            let start = (top + row * scale + y) * WIDTH + left + column * scale;
            luma[start..start + scale].fill(16);
        }
    }
    let mut video = format!("YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..2 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&luma);
        video.extend(std::iter::repeat_n(128u8, WIDTH * HEIGHT / 2));
    }
    video
}

/// The terminal and biometric pieces of the console, driven as an admin does: in
/// Russian on a desktop window, a Hikvision terminal registered (its URL shown once, a
/// new secret issued, its employee numbers read as tab numbers), a claimed ZKTeco
/// terminal restarted from its page, and an employee's biometric consent recorded and
/// withdrawn; then in Uzbek on a 360 px window, the retention period set and templates
/// required to have consent in the settings, the worker's photo refused for want of it
/// (nothing stored), and the terminal's clock set; then back in Russian on the desktop,
/// the same checkbox cleared and ticked again and the photo refused in Russian — each
/// page passing axe, nothing wider than the window.
#[tokio::test]
async fn terminals_and_biometric_data_in_two_languages_and_on_a_phone() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    each_backend(|console| {
        let driver = &driver;
        async move {
            let browser = driver.browser().await;
            let outcome = terminals_walk(&console, &browser).await;
            if let Err(problem) = outcome {
                let saved =
                    save_failure(&browser, &format!("terminals-{:?}", console.backend)).await;
                let _ = browser.close().await;
                panic!("{problem} (saved under {})", saved.display());
            }
            let _ = browser.close().await;
        }
    })
    .await;
}

async fn terminals_walk(console: &Console, browser: &Client) -> Step {
    let worker = console.add_employee("Gulnora").await;
    let location: i64 = davomat_store::testing::scalar(
        &console.store,
        "SELECT min(id) FROM locations WHERE company_id = $1",
        &[console.company.company_id.0],
    )
    .await;
    let claim = davomat_app::adms::Claim {
        serial: "ZKDESK01".into(),
        company: console.company.company_id,
        location: davomat_core::LocationId(location),
        time_zone: None,
    };
    let terminal = davomat_app::adms::claim(&console.store, claim, None, START)
        .await
        .map_err(fail)?
        .map_err(|refusal| format!("{refusal:?}"))?;
    browser.goto(&console.url("/login")).await.map_err(fail)?;
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    wait_for_text(browser, "h1", "Сегодня").await?;

    // A Hikvision terminal: registered, its URL shown once.
    browser.goto(&console.url("/devices")).await.map_err(fail)?;
    type_into(browser, "#f-serial_number", "DS-K1T-0009").await?;
    let kind = browser.find(Locator::Css("#f-type")).await.map_err(fail)?;
    kind.clear().await.map_err(fail)?;
    kind.send_keys("hikvision").await.map_err(fail)?;
    click(browser, "#register-device").await?;
    wait_for(browser, "#hikvision-url").await?;
    accessible(browser, "the devices page with a Hikvision URL").await?;
    let hikvision: i64 = davomat_store::testing::scalar(
        &console.store,
        "SELECT id FROM devices WHERE serial_number = 'DS-K1T-0009'",
        &[],
    )
    .await;
    browser
        .goto(&console.url(&format!("/devices/{hikvision}")))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "#hikvision h2", "Терминал Hikvision").await?;
    click(browser, "#new-secret-button").await?;
    wait_for(browser, "#new-secret").await?;
    let select = browser
        .find(Locator::Css("#employee_key"))
        .await
        .map_err(fail)?;
    select.select_by_value("tab_number").await.map_err(fail)?;
    click(browser, "#save-employee-key").await?;
    wait_for(
        browser,
        "#employee_key option[value='tab_number'][selected]",
    )
    .await?;

    // The ZKTeco terminal restarted from its page.
    let terminal_page = format!("/devices/{}", terminal.0);
    browser
        .goto(&console.url(&terminal_page))
        .await
        .map_err(fail)?;
    click(browser, "#reboot").await?;
    wait_for_text_containing(browser, "#terminal-commands", "REBOOT").await?;
    accessible(browser, "a terminal's page in Russian").await?;

    // Biometric consent recorded, then withdrawn.
    browser
        .goto(&console.url(&format!("/employees/{worker}")))
        .await
        .map_err(fail)?;
    wait_for(browser, "#consent-none").await?;
    browser
        .execute(
            "document.getElementById('given_on').value = '2025-03-01';",
            vec![],
        )
        .await
        .map_err(fail)?;
    click(browser, "#record-consent").await?;
    wait_for_text_containing(browser, "#consent-given", "2025-03-01").await?;
    accessible(browser, "an employee's file with consent").await?;
    click(browser, "#withdraw-consent").await?;
    wait_for(browser, "#consent-none").await?;

    // Uzbek, on a phone: the retention period, and the terminal's clock.
    let select = browser.find(Locator::Css("#lang")).await.map_err(fail)?;
    select.select_by_value("uz").await.map_err(fail)?;
    click(browser, "form[action='/language'] button").await?;
    browser.set_window_size(360, 740).await.map_err(fail)?;
    browser
        .goto(&console.url("/settings"))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "#biometrics h2", "Biometrik maʼlumotlar").await?;
    let days = browser
        .find(Locator::Css("#biometric_retention_days"))
        .await
        .map_err(fail)?;
    days.clear().await.map_err(fail)?;
    days.send_keys("45").await.map_err(fail)?;
    // Templates only with recorded consent, ticked in the same form.
    click(browser, "#biometric_consent_required").await?;
    click(browser, "#save-retention").await?;
    wait_for(browser, "#biometric_retention_days[value='45']").await?;
    wait_for(browser, "#biometric_consent_required:checked").await?;
    accessible(browser, "the settings in Uzbek").await?;
    no_overflow(browser, "the settings in Uzbek").await?;
    // The worker's consent was withdrawn above: their photo is refused, in Uzbek, and
    // nothing is stored.
    photo_refused(
        console,
        browser,
        worker,
        "yuz shablonini saqlashga roziligi qayd etilmagan",
        "Uzbek",
    )
    .await?;
    browser
        .goto(&console.url(&terminal_page))
        .await
        .map_err(fail)?;
    click(browser, "#set-time").await?;
    wait_for_text_containing(browser, "#terminal-commands", "SET OPTIONS DateTime=").await?;
    accessible(browser, "a terminal's page in Uzbek").await?;
    no_overflow(browser, "a terminal's page in Uzbek").await?;

    // Back in Russian on the desktop: the same checkbox cleared and ticked again, and
    // the photo refused in Russian.
    let select = browser.find(Locator::Css("#lang")).await.map_err(fail)?;
    select.select_by_value("ru").await.map_err(fail)?;
    click(browser, "form[action='/language'] button").await?;
    browser.set_window_size(1280, 900).await.map_err(fail)?;
    browser
        .goto(&console.url("/settings"))
        .await
        .map_err(fail)?;
    wait_for_text(browser, "#biometrics h2", "Биометрические данные").await?;
    click(browser, "#biometric_consent_required").await?;
    click(browser, "#save-retention").await?;
    wait_for(browser, "#biometric_consent_required:not(:checked)").await?;
    click(browser, "#biometric_consent_required").await?;
    click(browser, "#save-retention").await?;
    wait_for(browser, "#biometric_consent_required:checked").await?;
    accessible(browser, "the settings in Russian").await?;
    photo_refused(
        console,
        browser,
        worker,
        "согласие сотрудника на хранение шаблона лица не записано",
        "Russian",
    )
    .await
}

/// Uploads a photo on the worker's file and expects it refused for want of consent
/// (`message` beside the form, in `language`), with nothing stored.
async fn photo_refused(
    console: &Console,
    browser: &Client,
    worker: i64,
    message: &str,
    language: &str,
) -> Step {
    let photo = std::env::temp_dir().join(format!("davomat-face-{}.png", std::process::id()));
    std::fs::write(&photo, crate::employees::png(400, 400)).map_err(fail)?;
    browser
        .goto(&console.url(&format!("/employees/{worker}")))
        .await
        .map_err(fail)?;
    browser
        .find(Locator::Css("#imgdata"))
        .await
        .map_err(fail)?
        .send_keys(&photo.display().to_string())
        .await
        .map_err(fail)?;
    click(browser, "#upload-photo").await?;
    let refusal = wait_for_text_containing(browser, ".problems", message).await;
    let _ = std::fs::remove_file(&photo);
    refusal?;
    accessible(browser, &format!("a refused photo in {language}")).await?;
    no_overflow(browser, &format!("a refused photo in {language}")).await?;
    let faces = davomat_store::testing::scalar(
        &console.store,
        "SELECT count(*) FROM faces WHERE employee_id = $1",
        &[worker],
    )
    .await;
    if faces != 0 {
        return Err(format!("a refused photo left {faces} templates"));
    }
    Ok(())
}
