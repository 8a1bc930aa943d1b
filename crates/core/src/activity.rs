//! Activity-log messages: what happened, written in the company's language.

use crate::{Lang, Role};

/// One human-readable activity message. The acting user's name is prefixed when rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    EmployeeAdded { name: String },
    RoleAssigned { name: String, role: Role },
}

impl Message {
    /// The sentence, starting with the actor's name as the reference's samples do.
    pub fn render(&self, actor: &str, lang: Lang) -> String {
        let actor = if actor.is_empty() {
            system_actor(lang)
        } else {
            actor
        };
        match (self, lang) {
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
}
