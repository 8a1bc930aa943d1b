//! Activity-log messages: what happened, written in the company's language.

use crate::{Lang, Role};

/// A company-wide object that admins create, change and delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Department,
    Position,
    Location,
    Schedule,
    Device,
    TimeOffType,
    Holiday,
    PayrollRule,
    Fine,
}

impl ObjectKind {
    /// The object's name in a sentence ("the department", "отдел", "boʻlim").
    fn noun(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ObjectKind::Department, Lang::Ru) => "отдел",
            (ObjectKind::Position, Lang::Ru) => "должность",
            (ObjectKind::Location, Lang::Ru) => "локацию",
            (ObjectKind::Schedule, Lang::Ru) => "график",
            (ObjectKind::Device, Lang::Ru) => "устройство",
            (ObjectKind::TimeOffType, Lang::Ru) => "причину отсутствия",
            (ObjectKind::Holiday, Lang::Ru) => "праздник",
            (ObjectKind::PayrollRule, Lang::Ru) => "правило зарплаты",
            (ObjectKind::Fine, Lang::Ru) => "автоштраф",
            (ObjectKind::Department, Lang::En) => "the department",
            (ObjectKind::Position, Lang::En) => "the position",
            (ObjectKind::Location, Lang::En) => "the location",
            (ObjectKind::Schedule, Lang::En) => "the schedule",
            (ObjectKind::Device, Lang::En) => "the device",
            (ObjectKind::TimeOffType, Lang::En) => "the time-off type",
            (ObjectKind::Holiday, Lang::En) => "the holiday",
            (ObjectKind::PayrollRule, Lang::En) => "the payroll rule",
            (ObjectKind::Fine, Lang::En) => "the automatic fine",
            (ObjectKind::Department, Lang::Uz) => "boʻlim",
            (ObjectKind::Position, Lang::Uz) => "lavozim",
            (ObjectKind::Location, Lang::Uz) => "joylashuv",
            (ObjectKind::Schedule, Lang::Uz) => "jadval",
            (ObjectKind::Device, Lang::Uz) => "qurilma",
            (ObjectKind::TimeOffType, Lang::Uz) => "yoʻqlik sababi",
            (ObjectKind::Holiday, Lang::Uz) => "bayram",
            (ObjectKind::PayrollRule, Lang::Uz) => "ish haqi qoidasi",
            (ObjectKind::Fine, Lang::Uz) => "avtojarima",
        }
    }
}

/// A step of an employee's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifecycleAction {
    Dismissed,
    DismissalCancelled,
    Recovered,
    RecoveryCancelled,
    Removed,
    TransferCancelled,
    PositionCancelled,
}

impl LifecycleAction {
    fn verb(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LifecycleAction::Dismissed, Lang::Ru) => "уволил(а) сотрудника",
            (LifecycleAction::DismissalCancelled, Lang::Ru) => "отменил(а) увольнение сотрудника",
            (LifecycleAction::Recovered, Lang::Ru) => "восстановил(а) сотрудника",
            (LifecycleAction::RecoveryCancelled, Lang::Ru) => {
                "отменил(а) восстановление сотрудника"
            }
            (LifecycleAction::Removed, Lang::Ru) => "удалил(а) сотрудника",
            (LifecycleAction::TransferCancelled, Lang::Ru) => {
                "отменил(а) перевод в другой отдел сотрудника"
            }
            (LifecycleAction::PositionCancelled, Lang::Ru) => {
                "отменил(а) назначение на должность сотрудника"
            }
            (LifecycleAction::Dismissed, Lang::En) => "dismissed the employee",
            (LifecycleAction::DismissalCancelled, Lang::En) => {
                "cancelled the dismissal of the employee"
            }
            (LifecycleAction::Recovered, Lang::En) => "re-hired the employee",
            (LifecycleAction::RecoveryCancelled, Lang::En) => {
                "cancelled the re-hire of the employee"
            }
            (LifecycleAction::Removed, Lang::En) => "removed the employee",
            (LifecycleAction::TransferCancelled, Lang::En) => {
                "cancelled the pending transfer of the employee"
            }
            (LifecycleAction::PositionCancelled, Lang::En) => {
                "cancelled the pending position of the employee"
            }
            (LifecycleAction::Dismissed, Lang::Uz) => "xodimni ishdan boʻshatdi:",
            (LifecycleAction::DismissalCancelled, Lang::Uz) => {
                "xodimning ishdan boʻshatilishini bekor qildi:"
            }
            (LifecycleAction::Recovered, Lang::Uz) => "xodimni ishga qayta tikladi:",
            (LifecycleAction::RecoveryCancelled, Lang::Uz) => {
                "xodimning qayta tiklanishini bekor qildi:"
            }
            (LifecycleAction::Removed, Lang::Uz) => "xodimni oʻchirdi:",
            (LifecycleAction::TransferCancelled, Lang::Uz) => {
                "xodimning boshqa boʻlimga oʻtkazilishini bekor qildi:"
            }
            (LifecycleAction::PositionCancelled, Lang::Uz) => {
                "xodimning lavozimga tayinlanishini bekor qildi:"
            }
        }
    }
}

/// What of an employee a `PUT /v1/employees/{id}` changed (one activity row each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmployeeChange {
    /// Names, dates, phones, address, notes, bank book, PIN code (`editPersonProfile`).
    Profile,
    /// The tab number (`editEmployeeCode`).
    Code,
    /// The department (`transferEmpDep`).
    Department,
    /// The positions (`assignedPosition`).
    Positions,
    /// The schedule or its start (`assignedSchedule`).
    Schedule,
    /// The locations (`assignedLocation`).
    Locations,
}

impl EmployeeChange {
    /// What changed, as the object of the sentence ("профиль", "the tab number",
    /// "profilini").
    fn noun(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (EmployeeChange::Profile, Lang::Ru) => "профиль",
            (EmployeeChange::Code, Lang::Ru) => "табельный номер",
            (EmployeeChange::Department, Lang::Ru) => "отдел",
            (EmployeeChange::Positions, Lang::Ru) => "должности",
            (EmployeeChange::Schedule, Lang::Ru) => "график",
            (EmployeeChange::Locations, Lang::Ru) => "локации",
            (EmployeeChange::Profile, Lang::En) => "the profile",
            (EmployeeChange::Code, Lang::En) => "the tab number",
            (EmployeeChange::Department, Lang::En) => "the department",
            (EmployeeChange::Positions, Lang::En) => "the positions",
            (EmployeeChange::Schedule, Lang::En) => "the schedule",
            (EmployeeChange::Locations, Lang::En) => "the locations",
            (EmployeeChange::Profile, Lang::Uz) => "profilini",
            (EmployeeChange::Code, Lang::Uz) => "tabel raqamini",
            (EmployeeChange::Department, Lang::Uz) => "boʻlimini",
            (EmployeeChange::Positions, Lang::Uz) => "lavozimlarini",
            (EmployeeChange::Schedule, Lang::Uz) => "jadvalini",
            (EmployeeChange::Locations, Lang::Uz) => "joylashuvlarini",
        }
    }
}

/// A step of a time-off request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeOffAction {
    Created,
    Approved,
    Rejected,
    Canceled,
}

impl TimeOffAction {
    fn verb(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TimeOffAction::Created, Lang::Ru) => "создал(а) отгул сотрудника",
            (TimeOffAction::Approved, Lang::Ru) => "одобрил(а) отгул сотрудника",
            (TimeOffAction::Rejected, Lang::Ru) => "отклонил(а) отгул сотрудника",
            (TimeOffAction::Canceled, Lang::Ru) => "удалил(а) отгул сотрудника",
            (TimeOffAction::Created, Lang::En) => "created a time-off for",
            (TimeOffAction::Approved, Lang::En) => "approved the time-off of",
            (TimeOffAction::Rejected, Lang::En) => "rejected the time-off of",
            (TimeOffAction::Canceled, Lang::En) => "deleted the time-off of",
            (TimeOffAction::Created, Lang::Uz) => "xodim uchun javob yaratdi:",
            (TimeOffAction::Approved, Lang::Uz) => "xodimning javobini tasdiqladi:",
            (TimeOffAction::Rejected, Lang::Uz) => "xodimning javobini rad etdi:",
            (TimeOffAction::Canceled, Lang::Uz) => "xodimning javobini oʻchirdi:",
        }
    }
}

/// A change to an employee's salary rates, payroll rules, automatic fines or face.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayrollAction {
    SalaryAssigned,
    SalaryCanceled,
    PayrollAssigned,
    PayrollCanceled,
    FineAssigned,
    FineCanceled,
    FaceAdded,
    FaceDeleted,
    BiometricConsentRecorded,
    BiometricConsentWithdrawn,
}

impl PayrollAction {
    fn verb(self, lang: Lang) -> &'static str {
        use PayrollAction::*;
        match (self, lang) {
            (SalaryAssigned, Lang::Ru) => "назначил(а) ставку сотруднику",
            (SalaryCanceled, Lang::Ru) => "отменил(а) ставку сотрудника",
            (PayrollAssigned, Lang::Ru) => "назначил(а) правило зарплаты сотруднику",
            (PayrollCanceled, Lang::Ru) => "отменил(а) правило зарплаты сотрудника",
            (FineAssigned, Lang::Ru) => "назначил(а) автоштраф сотруднику",
            (FineCanceled, Lang::Ru) => "отменил(а) автоштраф сотрудника",
            (FaceAdded, Lang::Ru) => "добавил(а) шаблон лица сотрудника",
            (FaceDeleted, Lang::Ru) => "удалил(а) шаблон лица сотрудника",
            (BiometricConsentRecorded, Lang::Ru) => {
                "записал(а) согласие на биометрические данные сотрудника"
            }
            (BiometricConsentWithdrawn, Lang::Ru) => {
                "записал(а) отзыв согласия на биометрические данные сотрудника"
            }
            (SalaryAssigned, Lang::En) => "assigned a salary rate to",
            (SalaryCanceled, Lang::En) => "canceled a salary rate of",
            (PayrollAssigned, Lang::En) => "assigned a payroll rule to",
            (PayrollCanceled, Lang::En) => "canceled a payroll rule of",
            (FineAssigned, Lang::En) => "assigned an automatic fine to",
            (FineCanceled, Lang::En) => "canceled an automatic fine of",
            (FaceAdded, Lang::En) => "added the face template of",
            (FaceDeleted, Lang::En) => "deleted the face template of",
            (BiometricConsentRecorded, Lang::En) => "recorded the biometric consent of",
            (BiometricConsentWithdrawn, Lang::En) => "recorded the withdrawn biometric consent of",
            (SalaryAssigned, Lang::Uz) => "xodimga stavka belgiladi:",
            (SalaryCanceled, Lang::Uz) => "xodimning stavkasini bekor qildi:",
            (PayrollAssigned, Lang::Uz) => "xodimga ish haqi qoidasini belgiladi:",
            (PayrollCanceled, Lang::Uz) => "xodimning ish haqi qoidasini bekor qildi:",
            (FineAssigned, Lang::Uz) => "xodimga avtojarimani belgiladi:",
            (FineCanceled, Lang::Uz) => "xodimning avtojarimasini bekor qildi:",
            (FaceAdded, Lang::Uz) => "xodimning yuz shablonini qoʻshdi:",
            (FaceDeleted, Lang::Uz) => "xodimning yuz shablonini oʻchirdi:",
            (BiometricConsentRecorded, Lang::Uz) => {
                "xodimning biometrik maʼlumotlarga roziligini yozdi:"
            }
            (BiometricConsentWithdrawn, Lang::Uz) => {
                "xodimning biometrik maʼlumotlarga roziligi qaytarib olinganini yozdi:"
            }
        }
    }
}

/// One human-readable activity message. The acting user's name is prefixed when rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    EmployeeAdded {
        name: String,
    },
    RoleAssigned {
        name: String,
        role: Role,
    },
    /// The role was taken back (the user is a plain employee again).
    RoleRemoved {
        name: String,
        role: Role,
    },
    Created {
        kind: ObjectKind,
        title: String,
    },
    Updated {
        kind: ObjectKind,
        title: String,
    },
    Deleted {
        kind: ObjectKind,
        title: String,
    },
    Lifecycle {
        action: LifecycleAction,
        name: String,
    },
    /// An edit of an employee: `value` is what it is now (the new tab number, the
    /// department's title…), `from` the first day a dated change holds when that is not
    /// today.
    EmployeeChanged {
        what: EmployeeChange,
        name: String,
        value: Option<String>,
        from: Option<String>,
    },
    /// A time-off of `name` over `period` (`2025-03-04 — 2025-03-05`).
    TimeOff {
        action: TimeOffAction,
        name: String,
        period: String,
        /// The decider's comment with an approval or a rejection, if any.
        comment: Option<String>,
    },
    /// A clock event entered for another employee, at a local `YYYY-MM-DD HH:MM:SS`,
    /// with the reason given for it (a correction), if any.
    ManualClock {
        clock_in: bool,
        name: String,
        time: String,
        reason: Option<String>,
    },
    /// A clock event voided by a correction, with the reason given.
    VoidedClock {
        clock_in: bool,
        name: String,
        time: String,
        reason: String,
    },
    /// A payroll or face change of `name`; `detail` says what (`1000.00, monthly, from
    /// 2025-03-01`, a rule's title…), empty for face changes.
    Payroll {
        action: PayrollAction,
        name: String,
        detail: String,
    },
}

impl Message {
    /// The title of the company object a change is about, if it is about one.
    pub fn object_title(&self) -> Option<&str> {
        match self {
            Message::Created { title, .. }
            | Message::Updated { title, .. }
            | Message::Deleted { title, .. } => Some(title),
            Message::EmployeeAdded { .. }
            | Message::RoleAssigned { .. }
            | Message::RoleRemoved { .. }
            | Message::Lifecycle { .. }
            | Message::EmployeeChanged { .. }
            | Message::TimeOff { .. }
            | Message::ManualClock { .. }
            | Message::VoidedClock { .. }
            | Message::Payroll { .. } => None,
        }
    }

    /// The sentence, starting with the actor's name as the reference's samples do.
    pub fn render(&self, actor: &str, lang: Lang) -> String {
        let actor = if actor.is_empty() {
            system_actor(lang)
        } else {
            actor
        };
        match (self, lang) {
            (
                Message::EmployeeChanged {
                    what,
                    name,
                    value,
                    from,
                },
                _,
            ) => {
                let sentence = match lang {
                    Lang::Ru => format!("{actor} изменил(а) {} сотрудника {name}", what.noun(lang)),
                    Lang::En => {
                        format!("{actor} changed {} of the employee {name}", what.noun(lang))
                    }
                    Lang::Uz => {
                        format!("{actor} {name} xodimining {} oʻzgartirdi", what.noun(lang))
                    }
                };
                let value = value
                    .as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!(": {v}"))
                    .unwrap_or_default();
                let from = from
                    .as_deref()
                    .map(|day| match lang {
                        Lang::Ru => format!(" (с {day})"),
                        Lang::En => format!(" (from {day})"),
                        Lang::Uz => format!(" ({day} dan)"),
                    })
                    .unwrap_or_default();
                format!("{sentence}{value}{from}")
            }
            (
                Message::TimeOff {
                    action,
                    name,
                    period,
                    comment,
                },
                lang,
            ) => {
                let said = comment
                    .as_deref()
                    .map(|comment| match lang {
                        Lang::Ru => format!(" (комментарий: {comment})"),
                        Lang::En => format!(" (comment: {comment})"),
                        Lang::Uz => format!(" (izoh: {comment})"),
                    })
                    .unwrap_or_default();
                format!("{actor} {} {name} ({period}){said}", action.verb(lang))
            }
            (
                Message::Payroll {
                    action,
                    name,
                    detail,
                },
                _,
            ) if detail.is_empty() => format!("{actor} {} {name}", action.verb(lang)),
            (
                Message::Payroll {
                    action,
                    name,
                    detail,
                },
                _,
            ) => format!("{actor} {} {name} ({detail})", action.verb(lang)),
            (
                Message::ManualClock {
                    clock_in,
                    name,
                    time,
                    reason,
                },
                lang,
            ) => {
                let what = match (clock_in, lang) {
                    (true, Lang::Ru) => "добавил(а) приход сотрудника",
                    (false, Lang::Ru) => "добавил(а) уход сотрудника",
                    (true, Lang::En) => "entered an arrival of",
                    (false, Lang::En) => "entered a departure of",
                    (true, Lang::Uz) => "xodimning kelishini kiritdi:",
                    (false, Lang::Uz) => "xodimning ketishini kiritdi:",
                };
                let because = reason
                    .as_deref()
                    .map(|reason| match lang {
                        Lang::Ru => format!(" (причина: {reason})"),
                        Lang::En => format!(" (reason: {reason})"),
                        Lang::Uz => format!(" (sabab: {reason})"),
                    })
                    .unwrap_or_default();
                format!("{actor} {what} {name}: {time}{because}")
            }
            (
                Message::VoidedClock {
                    clock_in,
                    name,
                    time,
                    reason,
                },
                lang,
            ) => match (clock_in, lang) {
                (true, Lang::Ru) => {
                    format!(
                        "{actor} аннулировал(а) приход сотрудника {name}: {time} (причина: {reason})"
                    )
                }
                (false, Lang::Ru) => {
                    format!(
                        "{actor} аннулировал(а) уход сотрудника {name}: {time} (причина: {reason})"
                    )
                }
                (true, Lang::En) => {
                    format!("{actor} voided an arrival of {name}: {time} (reason: {reason})")
                }
                (false, Lang::En) => {
                    format!("{actor} voided a departure of {name}: {time} (reason: {reason})")
                }
                (true, Lang::Uz) => {
                    format!(
                        "{actor} {name} xodimining kelishini bekor qildi: {time} (sabab: {reason})"
                    )
                }
                (false, Lang::Uz) => {
                    format!(
                        "{actor} {name} xodimining ketishini bekor qildi: {time} (sabab: {reason})"
                    )
                }
            },
            (Message::Lifecycle { action, name }, _) => {
                format!("{actor} {} {name}", action.verb(lang))
            }
            (Message::EmployeeAdded { name }, Lang::Ru) => {
                format!("{actor} добавил(а) сотрудника {name}")
            }
            (Message::EmployeeAdded { name }, Lang::En) => {
                format!("{actor} added the employee {name}")
            }
            (Message::EmployeeAdded { name }, Lang::Uz) => {
                format!("{actor} {name} xodimini qoʻshdi")
            }
            (Message::RoleAssigned { name, role }, Lang::Ru) => {
                format!(
                    "{actor} назначил(а) сотруднику {name} роль «{}»",
                    role.name(lang)
                )
            }
            (Message::RoleAssigned { name, role }, Lang::En) => {
                format!("{actor} gave {name} the role “{}”", role.name(lang))
            }
            (Message::RoleAssigned { name, role }, Lang::Uz) => {
                format!("{actor} {name} xodimiga «{}» rolini berdi", role.name(lang))
            }
            (Message::RoleRemoved { name, role }, Lang::Ru) => {
                format!(
                    "{actor} снял(а) с сотрудника {name} роль «{}»",
                    role.name(lang)
                )
            }
            (Message::RoleRemoved { name, role }, Lang::En) => {
                format!("{actor} took the role “{}” from {name}", role.name(lang))
            }
            (Message::RoleRemoved { name, role }, Lang::Uz) => {
                format!("{actor} {name} xodimidan «{}» rolini oldi", role.name(lang))
            }
            (Message::Created { kind, title }, Lang::Ru) => {
                format!("{actor} создал(а) {} «{title}»", kind.noun(lang))
            }
            (Message::Created { kind, title }, Lang::En) => {
                format!("{actor} created {} “{title}”", kind.noun(lang))
            }
            (Message::Created { kind, title }, Lang::Uz) => {
                format!("{actor} «{title}» {}ni yaratdi", kind.noun(lang))
            }
            (Message::Updated { kind, title }, Lang::Ru) => {
                format!("{actor} изменил(а) {} «{title}»", kind.noun(lang))
            }
            (Message::Updated { kind, title }, Lang::En) => {
                format!("{actor} changed {} “{title}”", kind.noun(lang))
            }
            (Message::Updated { kind, title }, Lang::Uz) => {
                format!("{actor} «{title}» {}ni oʻzgartirdi", kind.noun(lang))
            }
            (Message::Deleted { kind, title }, Lang::Ru) => {
                format!("{actor} удалил(а) {} «{title}»", kind.noun(lang))
            }
            (Message::Deleted { kind, title }, Lang::En) => {
                format!("{actor} deleted {} “{title}”", kind.noun(lang))
            }
            (Message::Deleted { kind, title }, Lang::Uz) => {
                format!("{actor} «{title}» {}ni oʻchirdi", kind.noun(lang))
            }
        }
    }
}

fn system_actor(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Система",
        Lang::En => "System",
        Lang::Uz => "Tizim",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_actor_and_object() {
        let m = Message::EmployeeAdded {
            name: "Антон Беляев".into(),
        };
        assert_eq!(
            m.render("Озодбек Улмасов", Lang::Ru),
            "Озодбек Улмасов добавил(а) сотрудника Антон Беляев"
        );
        assert_eq!(
            m.render("", Lang::En),
            "System added the employee Антон Беляев"
        );
    }

    #[test]
    fn payroll_and_face_messages() {
        let m = Message::Payroll {
            action: PayrollAction::SalaryAssigned,
            name: "Karimov Aziz".into(),
            detail: "1000.50, from 2025-03-01".into(),
        };
        assert_eq!(
            m.render("Admin", Lang::En),
            "Admin assigned a salary rate to Karimov Aziz (1000.50, from 2025-03-01)"
        );
        let m = Message::Payroll {
            action: PayrollAction::FaceDeleted,
            name: "Karimov Aziz".into(),
            detail: String::new(),
        };
        assert_eq!(
            m.render("Admin", Lang::Ru),
            "Admin удалил(а) шаблон лица сотрудника Karimov Aziz"
        );
    }

    #[test]
    fn time_off_and_manual_clock_messages() {
        let m = Message::TimeOff {
            action: TimeOffAction::Approved,
            name: "Ali Valiyev".into(),
            period: "2025-03-04 — 2025-03-05".into(),
            comment: None,
        };
        assert_eq!(
            m.render("Boss", Lang::Ru),
            "Boss одобрил(а) отгул сотрудника Ali Valiyev (2025-03-04 — 2025-03-05)"
        );
        let m = Message::TimeOff {
            action: TimeOffAction::Rejected,
            name: "Ali Valiyev".into(),
            period: "2025-03-04 — 2025-03-05".into(),
            comment: Some("inventory week".into()),
        };
        assert!(
            m.render("Boss", Lang::En)
                .ends_with("(2025-03-04 — 2025-03-05) (comment: inventory week)"),
            "{}",
            m.render("Boss", Lang::En)
        );
        let m = Message::ManualClock {
            clock_in: false,
            name: "Ali".into(),
            time: "2025-03-04 18:00:00".into(),
            reason: None,
        };
        assert_eq!(
            m.render("Boss", Lang::En),
            "Boss entered a departure of Ali: 2025-03-04 18:00:00"
        );
        let m = Message::ManualClock {
            clock_in: true,
            name: "Ali".into(),
            time: "2025-03-04 08:55:00".into(),
            reason: Some("terminal missed it".into()),
        };
        assert_eq!(
            m.render("Boss", Lang::Uz),
            "Boss xodimning kelishini kiritdi: Ali: 2025-03-04 08:55:00 (sabab: terminal missed it)"
        );
    }

    #[test]
    fn employee_changes_name_what_and_value() {
        let m = Message::EmployeeChanged {
            what: EmployeeChange::Department,
            name: "Антон Беляев".into(),
            value: Some("Склад".into()),
            from: Some("2025-03-10".into()),
        };
        assert_eq!(
            m.render("Озодбек Улмасов", Lang::Ru),
            "Озодбек Улмасов изменил(а) отдел сотрудника Антон Беляев: Склад (с 2025-03-10)"
        );
        let m = Message::EmployeeChanged {
            what: EmployeeChange::Profile,
            name: "Ali".into(),
            value: None,
            from: None,
        };
        assert_eq!(
            m.render("Boss", Lang::En),
            "Boss changed the profile of the employee Ali"
        );
        assert_eq!(
            m.render("Boss", Lang::Uz),
            "Boss Ali xodimining profilini oʻzgartirdi"
        );
    }
}
