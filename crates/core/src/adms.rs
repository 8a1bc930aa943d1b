//! The text of the ZKTeco ADMS / iclock push protocol (the "attendance" dialect that
//! ZKTeco and its OEM families — ESSL, SenseFace, SpeedFace, iFace, MB — speak to a
//! cloud server), read and written without any I/O: the handshake's options block,
//! ATTLOG lines, the `INFO=` of a poll, command lines and the results a terminal posts
//! back. The doors (`/iclock/*`) and the use cases around them live elsewhere;
//! docs/terminals.md says which firmware this follows.

use chrono::NaiveDate;

use crate::engine::EventKind;
use crate::validation::parse_local_date_time;

/// The longest serial number, PIN or work code read from a terminal.
pub const FIELD_MAX: usize = 64;

/// One ATTLOG line: `PIN⇥YYYY-MM-DD HH:MM:SS⇥status⇥verify⇥workcode⇥…`, read by
/// position (trailing fields may be missing, extra ones are ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttLine {
    pub pin: String,
    /// The terminal's local date and the seconds after its midnight.
    pub date: NaiveDate,
    pub seconds: i64,
    /// The punch state the person chose (0 in, 1 out, 2 break out, 3 break in, 4
    /// overtime in, 5 overtime out; 255 or missing: none chosen).
    pub status: Option<i64>,
    /// How the person was verified (firmware-specific: 1 fingerprint, 3 password, 4
    /// card, 15 face on current firmware).
    pub verify: Option<i64>,
    pub work_code: String,
}

impl AttLine {
    /// The device's own id for the punch: a resend of the line is the same uid.
    pub fn uid(&self) -> String {
        format!(
            "{}@{} {}",
            self.pin,
            self.date.format("%Y-%m-%d"),
            clock_text(self.seconds)
        )
    }
}

fn clock_text(seconds: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Why a line was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFault {
    NoPin,
    BadTime,
    TooLong,
}

impl LineFault {
    pub fn as_str(self) -> &'static str {
        match self {
            LineFault::NoPin => "no PIN",
            LineFault::BadTime => "the time does not read",
            LineFault::TooLong => "a field is too long",
        }
    }
}

/// Reads one ATTLOG line: by position, with a `PIN=` prefix some firmware writes taken
/// off; or, when its fields are `key=value` pairs (`PIN=…⇥Time=…⇥Status=…⇥Verify=…`,
/// as newer firmware writes), by key.
pub fn att_line(line: &str) -> Result<AttLine, LineFault> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line
        .split('\t')
        .nth(1)
        .is_some_and(|field| field.contains('='))
    {
        let pin = keyed(line, &["PIN"]).unwrap_or("");
        let time = keyed(line, &["Time", "DateTime"]).unwrap_or("");
        let status = keyed(line, &["Status", "State"]);
        let verify = keyed(line, &["Verify", "VerifyType", "VerifyMode"]);
        let work_code = keyed(line, &["WorkCode"]).unwrap_or("");
        return read_line(pin, time, status, verify, work_code);
    }
    let mut fields = line.split('\t');
    let pin = fields.next().unwrap_or("").trim();
    let pin = pin.strip_prefix("PIN=").unwrap_or(pin);
    let time = fields.next().unwrap_or("");
    let status = fields.next();
    let verify = fields.next();
    let work_code = fields.next().unwrap_or("");
    read_line(pin, time, status, verify, work_code)
}

/// The value of the first of `keys` (any case) among a line's tab-separated
/// `key=value` pairs.
fn keyed<'a>(line: &'a str, keys: &[&str]) -> Option<&'a str> {
    line.split('\t').find_map(|field| {
        let (key, value) = field.split_once('=')?;
        let key = key.trim().trim_start_matches('~');
        keys.iter()
            .any(|k| k.eq_ignore_ascii_case(key))
            .then_some(value.trim())
    })
}

fn read_line(
    pin: &str,
    time: &str,
    status: Option<&str>,
    verify: Option<&str>,
    work_code: &str,
) -> Result<AttLine, LineFault> {
    let pin = pin.trim();
    if pin.is_empty() {
        return Err(LineFault::NoPin);
    }
    let (date, seconds) = parse_local_date_time(time.trim()).ok_or(LineFault::BadTime)?;
    let number = |text: Option<&str>| text.and_then(|t| t.trim().parse::<i64>().ok());
    let work_code = work_code.trim().to_string();
    if pin.chars().count() > FIELD_MAX || work_code.chars().count() > FIELD_MAX {
        return Err(LineFault::TooLong);
    }
    Ok(AttLine {
        pin: pin.to_string(),
        date,
        seconds,
        status: number(status),
        verify: number(verify),
        work_code,
    })
}

/// The access events of the Security PUSH dialect (access-control terminals and
/// SpeedFace firmware in access mode) that are a person let through after verifying:
/// 0 normal verify open, 1 verify during a normal-open period, 2 first person open,
/// 3 several people open, 14–19 the fingerprint and card-plus-fingerprint variants.
/// Refusals (20–30, 41…), door and alarm events (200…) are not punches.
pub const RT_PASSED: [i64; 10] = [0, 1, 2, 3, 14, 15, 16, 17, 18, 19];

/// Reads one `rtlog` record of the Security PUSH dialect
/// (`time=…⇥pin=…⇥cardno=…⇥eventaddr=…⇥event=…⇥inoutstatus=…⇥verifytype=…⇥index=…`):
/// a punch when `event` is one of [`RT_PASSED`] and a person (`pin` not empty or 0) was
/// let through, `None` for the terminal's other events. `inoutstatus` 0 is in and 1 out
/// (the reader's side), as an ATTLOG status.
pub fn rt_line(line: &str) -> Result<Option<AttLine>, LineFault> {
    let line = line.trim_end_matches(['\r', '\n']);
    let event = keyed(line, &["event"]).and_then(|e| e.parse::<i64>().ok());
    let pin = keyed(line, &["pin"]).unwrap_or("").trim();
    if !event.is_some_and(|e| RT_PASSED.contains(&e)) || pin.is_empty() || pin == "0" {
        return Ok(None);
    }
    let time = keyed(line, &["time"]).unwrap_or("");
    let status = keyed(line, &["inoutstatus"]).filter(|s| matches!(s.trim(), "0" | "1"));
    let verify = keyed(line, &["verifytype"]);
    read_line(pin, time, status, verify, "").map(Some)
}

/// The non-empty lines of an upload's body (LF-separated, a CR before the LF dropped).
pub fn lines(body: &str) -> impl Iterator<Item = &str> {
    body.split('\n')
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
}

/// In or out as the punch state says: 0, 3 and 4 arrive; 1, 2 and 5 leave; other
/// states (255, none) say nothing and the device's rule decides.
pub fn direction_of_status(status: Option<i64>) -> Option<EventKind> {
    match status? {
        0 | 3 | 4 => Some(EventKind::In),
        1 | 2 | 5 => Some(EventKind::Out),
        _ => None,
    }
}

/// What the handshake answers a terminal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub serial: String,
    /// The last ATTLOG and OPERLOG stamps stored for the device (`None`: from the start).
    pub attlog_stamp: Option<String>,
    pub operlog_stamp: Option<String>,
    /// The zone's offset from UTC in minutes (the device sets its clock from the
    /// answer's `Date` header and this).
    pub utc_offset_minutes: i64,
    /// Which keys the terminal reads (from the `pushver` it sent).
    pub dialect: Dialect,
}

/// The dialect a terminal speaks, by the `pushver` it sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// No `pushver`: the legacy keys (`Stamp`, `OpStamp`).
    #[default]
    Legacy,
    /// Attendance push 2.x (`ATTLOGStamp`, `OPERLOGStamp`).
    Attendance,
    /// Security PUSH 3.x (access-control firmware): `registry`, `RegistryCode`,
    /// `TransTables`, events as `rtlog`.
    Security,
}

impl Dialect {
    pub fn of(push_version: Option<&str>) -> Dialect {
        let Some(version) = push_version else {
            return Dialect::Legacy;
        };
        let major = version
            .split('.')
            .next()
            .and_then(|m| m.trim().parse::<u32>().ok());
        if major.is_some_and(|m| m >= 3) {
            Dialect::Security
        } else {
            Dialect::Attendance
        }
    }
}

/// Seconds between a terminal's polls, asked in the handshake.
pub const POLL_DELAY: i64 = 10;
/// Seconds a terminal waits after a network failure.
pub const ERROR_DELAY: i64 = 30;
/// The push protocol version davomat answers with.
pub const PUSH_VERSION: &str = "2.4.1";

/// The Security PUSH version davomat answers with.
pub const SECURITY_PUSH_VERSION: &str = "3.1.2";

/// The options block: `GET OPTION FROM: <SN>` and one `key=value` a line (LF); for the
/// Security PUSH dialect its configuration block instead ([`security_options`]).
pub fn options_block(options: &Options) -> String {
    if options.dialect == Dialect::Security {
        return security_options(options);
    }
    let push = options.dialect == Dialect::Attendance;
    let stamp = |s: &Option<String>| s.clone().unwrap_or_else(|| "0".to_string());
    let zone = zone_value(options.utc_offset_minutes);
    let mut lines = vec![format!("GET OPTION FROM: {}", options.serial)];
    if push {
        lines.push(format!("ATTLOGStamp={}", stamp(&options.attlog_stamp)));
        lines.push(format!("OPERLOGStamp={}", stamp(&options.operlog_stamp)));
        lines.push("ATTPHOTOStamp=0".to_string());
    } else {
        lines.push(format!("Stamp={}", stamp(&options.attlog_stamp)));
        lines.push(format!("OpStamp={}", stamp(&options.operlog_stamp)));
        lines.push("PhotoStamp=0".to_string());
    }
    lines.extend([
        format!("ErrorDelay={ERROR_DELAY}"),
        format!("Delay={POLL_DELAY}"),
        "TransTimes=00:00;14:05".to_string(),
        "TransInterval=1".to_string(),
        "TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser".to_string(),
        format!("TimeZone={zone}"),
        "Realtime=1".to_string(),
        "Encrypt=None".to_string(),
    ]);
    if push {
        lines.push(format!("ServerVer={PUSH_VERSION}"));
        lines.push(format!("PushProtVer={PUSH_VERSION}"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The zone as a terminal reads `TimeZone=`: whole hours between -12 and 12 as hours,
/// anything else in minutes.
fn zone_value(offset_minutes: i64) -> i64 {
    if offset_minutes % 60 == 0 && (-12..=12).contains(&(offset_minutes / 60)) {
        offset_minutes / 60
    } else {
        offset_minutes
    }
}

/// The code a registration is answered with (`RegistryCode=`, at most 32 characters):
/// davomat knows terminals by serial, so the code is the serial's first 32.
pub fn registry_code(serial: &str) -> String {
    serial.chars().take(32).collect()
}

/// The Security PUSH configuration (the answer to `GET /iclock/push` and to a 3.x
/// handshake): registered, the registry code, the delays, the tables to send (users
/// and events), real-time upload, the zone.
pub fn security_options(options: &Options) -> String {
    let lines = [
        "registry=ok".to_string(),
        format!("RegistryCode={}", registry_code(&options.serial)),
        format!("ServerVersion={SECURITY_PUSH_VERSION}"),
        "ServerName=davomat".to_string(),
        format!("PushProtVer={SECURITY_PUSH_VERSION}"),
        format!("ErrorDelay={ERROR_DELAY}"),
        format!("RequestDelay={POLL_DELAY}"),
        "TransTimes=00:00;14:05".to_string(),
        "TransInterval=1".to_string(),
        "TransTables=User Transaction".to_string(),
        "Realtime=1".to_string(),
        "TimeoutSec=10".to_string(),
        format!("TimeZone={}", zone_value(options.utc_offset_minutes)),
    ];
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// What a terminal says about itself in a poll's `INFO=` (firmware, users,
/// fingerprints, attendance records, IP, …): the fields davomat keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    pub firmware: Option<String>,
    pub users: Option<i64>,
    pub logs: Option<i64>,
}

/// Reads `INFO=` (comma-separated, in the firmware's fixed order).
pub fn device_info(info: &str) -> DeviceInfo {
    let fields: Vec<&str> = info.split(',').map(str::trim).collect();
    let number = |at: usize| fields.get(at).and_then(|f| f.parse::<i64>().ok());
    DeviceInfo {
        firmware: fields
            .first()
            .filter(|f| !f.is_empty())
            .map(|f| f.chars().take(FIELD_MAX).collect()),
        users: number(1),
        logs: number(3),
    }
}

/// What a Security PUSH terminal says of itself when it registers: the fields davomat
/// keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registration {
    pub firmware: Option<String>,
    pub push_version: Option<String>,
}

/// Reads a registration's parameters: `key=value` separated by commas (or line breaks),
/// keys optionally marked `~`.
pub fn registration(parameters: &str) -> Registration {
    let value = |keys: &[&str]| {
        parameters
            .split([',', '\n', '\r'])
            .find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                let key = key.trim().trim_start_matches('~');
                keys.iter()
                    .any(|k| k.eq_ignore_ascii_case(key))
                    .then(|| value.trim().chars().take(FIELD_MAX).collect::<String>())
            })
            .filter(|v| !v.is_empty())
    };
    Registration {
        firmware: value(&["FirmVer", "FirmwareVersion"]),
        push_version: value(&["PushVersion", "PushProtVer"]),
    }
}

/// One command's result as a terminal posts it: `ID=<id>&Return=<n>&CMD=<echo>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandResult {
    pub id: String,
    /// 0 or more: done; below 0: the firmware's error code.
    pub code: i64,
    pub command: String,
}

/// The results of a `devicecmd` body, one a line; lines without an id or a return code
/// (the extra `key=value` lines of an INFO reply) are skipped.
pub fn command_results(body: &str) -> Vec<CommandResult> {
    lines(body)
        .filter_map(|line| {
            let mut id = None;
            let mut code = None;
            let mut command = String::new();
            for pair in line.split('&') {
                let (key, value) = pair.split_once('=')?;
                match key.trim() {
                    "ID" => id = Some(value.trim().to_string()),
                    "Return" => code = value.trim().parse::<i64>().ok(),
                    "CMD" => command = value.trim().to_string(),
                    _ => {}
                }
            }
            Some(CommandResult {
                id: id.filter(|i| !i.is_empty())?,
                code: code?,
                command,
            })
        })
        .collect()
}

/// A command line for a poll's answer: `C:<id>:<command>`.
pub fn command_line(id: i64, command: &str) -> String {
    format!("C:{id}:{command}")
}

/// The command that asks a terminal to upload its attendance log between two local
/// times again.
pub fn query_log_command(from: &str, to: &str) -> String {
    format!("DATA QUERY ATTLOG StartTime={from}\tEndTime={to}")
}

/// The command that sets a terminal's clock: ZKTeco's packed local time
/// (`((year-2000)*372 + (month-1)*31 + day-1)*86400 + seconds of the day`).
pub fn set_time_command(date: NaiveDate, seconds: i64) -> String {
    use chrono::Datelike;
    let days = (i64::from(date.year()) - 2000) * 372
        + (i64::from(date.month()) - 1) * 31
        + i64::from(date.day())
        - 1;
    format!("SET OPTIONS DateTime={}", days * 86_400 + seconds)
}

/// The longest name sent to a terminal, in characters (older firmware keeps 24).
pub const USER_NAME_MAX: usize = 24;

/// The fields of a terminal user davomat sets: the PIN, the name (without tabs or line
/// breaks, at most [`USER_NAME_MAX`] characters) and privilege 0, an ordinary user.
/// Card numbers and passwords are the terminal's own and are not sent.
pub fn user_fields(pin: &str, name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let name: String = words.join(" ").chars().take(USER_NAME_MAX).collect();
    format!("PIN={pin}\tName={}\tPri=0", name.trim_end())
}

/// The command that adds or changes a terminal user (fields from [`user_fields`]).
pub fn user_update_command(fields: &str) -> String {
    format!("DATA UPDATE USERINFO {fields}")
}

/// The command that deletes a terminal user, with what the terminal holds of them.
pub fn user_delete_command(pin: &str) -> String {
    format!("DATA DELETE USERINFO PIN={pin}")
}

/// The command that restarts a terminal.
pub const REBOOT_COMMAND: &str = "REBOOT";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_lines_carry_the_pin_a_clean_short_name_and_no_privilege() {
        assert_eq!(
            user_fields(
                "0042",
                "Karimov\tAziz\n Bahodir o\u{2018}g\u{2018}li Toshkentlik"
            ),
            "PIN=0042\tName=Karimov Aziz Bahodir o\u{2018}g\tPri=0"
        );
        assert_eq!(
            user_update_command(&user_fields("7", "Ли")),
            "DATA UPDATE USERINFO PIN=7\tName=Ли\tPri=0"
        );
        assert_eq!(user_delete_command("7"), "DATA DELETE USERINFO PIN=7");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn attlog_lines_read_by_position() {
        let line = att_line("1452\t2015-07-30 15:16:28\t0\t1\t0\t0\t0").expect("reads");
        assert_eq!(line.pin, "1452");
        assert_eq!(
            (line.date, line.seconds),
            (date(2015, 7, 30), 15 * 3600 + 16 * 60 + 28)
        );
        assert_eq!((line.status, line.verify), (Some(0), Some(1)));
        assert_eq!(line.uid(), "1452@2015-07-30 15:16:28");
        // An empty work code and an extra field; a state of 255.
        let line = att_line("20156107\t2020-02-22 23:56:16\t255\t15\t\t0\t0\t8").expect("reads");
        assert_eq!(
            (line.status, line.verify, line.work_code.as_str()),
            (Some(255), Some(15), "")
        );
        // Only PIN and time.
        let line = att_line("PIN=7\t2024-01-02 08:00:00\r").expect("reads");
        assert_eq!((line.pin.as_str(), line.status), ("7", None));
        assert_eq!(att_line("\t2024-01-02 08:00:00"), Err(LineFault::NoPin));
        assert_eq!(att_line("7\t2024-13-02 08:00:00"), Err(LineFault::BadTime));
        assert_eq!(att_line("7"), Err(LineFault::BadTime));
    }

    #[test]
    fn states_map_to_in_and_out() {
        assert_eq!(direction_of_status(Some(0)), Some(EventKind::In));
        assert_eq!(direction_of_status(Some(1)), Some(EventKind::Out));
        assert_eq!(direction_of_status(Some(2)), Some(EventKind::Out));
        assert_eq!(direction_of_status(Some(3)), Some(EventKind::In));
        assert_eq!(direction_of_status(Some(255)), None);
        assert_eq!(direction_of_status(None), None);
    }

    #[test]
    fn the_options_block_names_the_serial_and_the_zone() {
        let options = Options {
            serial: "CJDE123".into(),
            attlog_stamp: Some("9999".into()),
            operlog_stamp: None,
            utc_offset_minutes: 300,
            dialect: Dialect::of(Some("2.4.1")),
        };
        let text = options_block(&options);
        assert!(text.starts_with("GET OPTION FROM: CJDE123\nATTLOGStamp=9999\nOPERLOGStamp=0\n"));
        assert!(text.contains("\nTimeZone=5\n") && text.contains("\nPushProtVer=2.4.1\n"));
        let legacy = options_block(&Options {
            dialect: Dialect::of(None),
            utc_offset_minutes: 330,
            ..options.clone()
        });
        assert!(legacy.contains("\nStamp=9999\n") && legacy.contains("\nTimeZone=330\n"));
        assert!(!legacy.contains("PushProtVer"));
        let security = options_block(&Options {
            dialect: Dialect::of(Some("3.1.2")),
            ..options
        });
        assert!(
            security.starts_with("registry=ok\nRegistryCode=CJDE123\n"),
            "{security}"
        );
        assert!(security.contains("\nTransTables=User Transaction\n"));
        assert!(security.contains("\nTimeZone=5\n") && !security.contains("Stamp"));
    }

    #[test]
    fn a_registration_says_the_firmware_and_version() {
        let said = registration(
            "DeviceType=acc,~DeviceName=SpeedFace-V5L[TI],FirmVer=ZAM180-Ver1.1.17,PushVersion=3.1.2,~MaxUserCount=3000",
        );
        assert_eq!(said.firmware.as_deref(), Some("ZAM180-Ver1.1.17"));
        assert_eq!(said.push_version.as_deref(), Some("3.1.2"));
        assert_eq!(registration("nothing useful"), Registration::default());
    }

    #[test]
    fn keyed_attlog_lines_read_by_key() {
        let line = att_line("PIN=0042\tTime=2025-03-04 08:59:10\tStatus=1\tVerify=15\tWorkCode=7")
            .expect("reads");
        assert_eq!(
            (line.pin.as_str(), line.status, line.verify),
            ("0042", Some(1), Some(15))
        );
        assert_eq!(
            (line.seconds, line.work_code.as_str()),
            (8 * 3600 + 59 * 60 + 10, "7")
        );
        assert_eq!(
            att_line("PIN=\tTime=2025-03-04 08:59:10"),
            Err(LineFault::NoPin)
        );
        assert_eq!(att_line("PIN=5\tTime=yesterday"), Err(LineFault::BadTime));
    }

    #[test]
    fn rtlog_records_are_punches_only_when_a_person_passed() {
        let passed = "time=2025-03-04 08:59:10\tpin=77\tcardno=0\teventaddr=1\tevent=0\tinoutstatus=1\tverifytype=15\tindex=31";
        let line = rt_line(passed).expect("reads").expect("a punch");
        assert_eq!(
            (line.pin.as_str(), line.status, line.verify),
            ("77", Some(1), Some(15))
        );
        assert_eq!(line.uid(), "77@2025-03-04 08:59:10");
        // A fingerprint open (14), the reader's side unknown (2): a punch without a state.
        let line = rt_line(
            &passed
                .replace("event=0", "event=14")
                .replace("inoutstatus=1", "inoutstatus=2"),
        )
        .expect("reads")
        .expect("a punch");
        assert_eq!(line.status, None);
        // Refused (27 unregistered), a door event (200), no person: not punches.
        for other in [
            passed.replace("event=0", "event=27"),
            passed.replace("event=0", "event=200"),
            passed.replace("pin=77", "pin=0"),
            passed.replace("\tevent=0", ""),
        ] {
            assert_eq!(rt_line(&other), Ok(None), "{other}");
        }
        assert_eq!(
            rt_line(&passed.replace("2025-03-04", "2025-03-40")),
            Err(LineFault::BadTime)
        );
    }

    #[test]
    fn info_and_command_results_read() {
        let info = device_info("Ver 8.0.4.2-I113-02,143,1,109,172.16.12.182,10,7,12,141,111");
        assert_eq!(info.firmware.as_deref(), Some("Ver 8.0.4.2-I113-02"));
        assert_eq!((info.users, info.logs), (Some(143), Some(109)));
        let results = command_results(
            "ID=12&Return=0&CMD=DATA\nID=13&Return=-1002&CMD=DATA UPDATE\n~DeviceName=MB360\n",
        );
        assert_eq!(
            results,
            vec![
                CommandResult {
                    id: "12".into(),
                    code: 0,
                    command: "DATA".into()
                },
                CommandResult {
                    id: "13".into(),
                    code: -1002,
                    command: "DATA UPDATE".into()
                },
            ]
        );
    }

    #[test]
    fn the_clock_is_set_in_zkteco_packed_time() {
        // 2025-03-04 09:17:00 → ((25*372 + 2*31 + 3) * 86400) + 33420.
        assert_eq!(
            set_time_command(date(2025, 3, 4), 9 * 3600 + 17 * 60),
            format!(
                "SET OPTIONS DateTime={}",
                (25 * 372 + 2 * 31 + 3) * 86_400 + 33_420
            )
        );
    }
}
