//! Every message the API writes, in Russian (the reference's language and the default),
//! English and Uzbek (Latin script).

use davomat_core::Lang;
use davomat_core::validation::{FieldCode, FieldError, Reason, Rule};

use crate::error::{ApiError, Malformed, Unavailability};

/// Picks the text of the language.
fn pick(lang: Lang, ru: &str, en: &str, uz: &str) -> String {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
        Lang::Uz => uz,
    }
    .to_string()
}

/// The `message` of an error body.
pub fn error_message(error: &ApiError, lang: Lang) -> String {
    match error {
        ApiError::NotFound => pick(lang, "Не найдено", "Not found", "Topilmadi"),
        ApiError::MissingArgument(name) => match lang {
            Lang::Ru => format!("В запросе отсутствует обязательный аргумент: {name}"),
            Lang::En => format!("A required argument is missing: {name}"),
            Lang::Uz => format!("Soʻrovda majburiy argument yoʻq: {name}"),
        },
        ApiError::Malformed(kind) => malformed_message(kind, lang),
        ApiError::MethodNotAllowed(_) => pick(
            lang,
            "Метод не разрешён для этого адреса",
            "Method not allowed for this URL",
            "Bu manzil uchun usulga ruxsat yoʻq",
        ),
        ApiError::NotAcceptable => pick(
            lang,
            "Запрошенный формат не поддерживается: API отвечает только в JSON",
            "The requested format is not available: the API answers in JSON only",
            "Soʻralgan format mavjud emas: API faqat JSON formatida javob beradi",
        ),
        ApiError::PayloadTooLarge(limit) => match lang {
            Lang::Ru => format!("Тело запроса слишком большое (не более {} байт)", limit),
            Lang::En => format!("The request body is too large (at most {} bytes)", limit),
            Lang::Uz => format!("Soʻrov tanasi juda katta (koʻpi bilan {} bayt)", limit),
        },
        ApiError::DeleteRefused => pick(
            lang,
            "Невозможно удалить: к этому объекту прикреплены сотрудники",
            "Cannot delete: employees are attached to this object",
            "Oʻchirib boʻlmaydi: bu obyektga xodimlar biriktirilgan",
        ),
        ApiError::EmployeeLimit => pick(
            lang,
            "Лимит на количество сотрудников превышен",
            "The employee limit of the company is reached",
            "Xodimlar soni boʻyicha cheklovdan oshib ketildi",
        ),
        ApiError::Unauthorized => pick(
            lang,
            "Ошибка авторизации",
            "Authorization failed",
            "Avtorizatsiya xatosi",
        ),
        ApiError::BadCredentials => pick(
            lang,
            "Неверное имя пользователя или пароль",
            "Wrong username or password",
            "Foydalanuvchi nomi yoki parol notoʻgʻri",
        ),
        ApiError::InvalidClient => pick(
            lang,
            "Неправильный client_id или client_secret",
            "Invalid client_id or client_secret",
            "client_id yoki client_secret notoʻgʻri",
        ),
        ApiError::UnsupportedGrantType => pick(
            lang,
            "Недействительный grant_type: ожидается password или refresh_token",
            "Invalid grant_type: password or refresh_token expected",
            "grant_type notoʻgʻri: password yoki refresh_token kutilgan",
        ),
        ApiError::RefreshTokenExpired => pick(
            lang,
            "Refresh token истёк или уже использован",
            "The refresh token has expired or was already used",
            "Refresh token muddati tugagan yoki allaqachon ishlatilgan",
        ),
        ApiError::NotAuthenticated => pick(
            lang,
            "Запрос без авторизации: передайте заголовок Authorization: Bearer <access_token>",
            "Unauthenticated request: send the header Authorization: Bearer <access_token>",
            "Avtorizatsiyasiz soʻrov: Authorization: Bearer <access_token> sarlavhasini yuboring",
        ),
        ApiError::InvalidToken => pick(
            lang,
            "Неправильный токен доступа",
            "The access token provided is invalid",
            "Kirish tokeni notoʻgʻri",
        ),
        ApiError::TokenExpired => pick(
            lang,
            "Срок действия токена доступа истёк",
            "The access token has expired",
            "Kirish tokenining muddati tugagan",
        ),
        ApiError::PaymentRequired => pick(
            lang,
            "Доступ запрещён: срок подписки компании истёк",
            "Access denied: the company's subscription has expired",
            "Kirish taqiqlangan: kompaniya obunasi muddati tugagan",
        ),
        ApiError::Forbidden => pick(
            lang,
            "Доступ запрещён: у вашей роли нет этого права",
            "Access denied: your role lacks this permission",
            "Kirish taqiqlangan: rolingizda bu huquq yoʻq",
        ),
        ApiError::Validation(_) => "Validation Failed".to_string(),
        ApiError::UpgradeRequired => "Upgrade Required".to_string(),
        ApiError::TooManyRequests { .. } => pick(
            lang,
            "Слишком много запросов в течение минуты",
            "Too many requests within one minute",
            "Bir daqiqa ichida juda koʻp soʻrov",
        ),
        ApiError::Internal(_) => pick(
            lang,
            "Внутренняя ошибка сервера. Пожалуйста, попробуйте ещё раз",
            "Internal server error. Please try again",
            "Serverning ichki xatosi. Iltimos, qayta urinib koʻring",
        ),
        ApiError::Unavailable { cause, .. } => match cause {
            Unavailability::Maintenance => pick(
                lang,
                "Сервер временно недоступен: идут технические работы",
                "The server is temporarily unavailable for maintenance",
                "Server vaqtincha mavjud emas: texnik ishlar olib borilmoqda",
            ),
            Unavailability::Database => pick(
                lang,
                "Сервер временно недоступен: нет связи с базой данных",
                "The server is temporarily unavailable: the database does not answer",
                "Server vaqtincha mavjud emas: maʼlumotlar bazasi javob bermayapti",
            ),
            Unavailability::Timeout => pick(
                lang,
                "Запрос не успел выполниться за отведённое время",
                "The request ran past the server's time limit",
                "Soʻrov ajratilgan vaqt ichida bajarilmadi",
            ),
        },
    }
}

fn malformed_message(kind: &Malformed, lang: Lang) -> String {
    match kind {
        Malformed::Body => pick(
            lang,
            "Неправильный запрос: тело не является корректным JSON или формой",
            "Invalid request: the body is not well-formed JSON or form data",
            "Notoʻgʻri soʻrov: tana toʻgʻri JSON yoki forma emas",
        ),
        Malformed::QueryValue(name) => match lang {
            Lang::Ru => format!("Неправильный запрос: неверное значение аргумента {name}"),
            Lang::En => format!("Invalid request: wrong value of the argument {name}"),
            Lang::Uz => format!("Notoʻgʻri soʻrov: {name} argumentining qiymati notoʻgʻri"),
        },
        Malformed::DateRange => pick(
            lang,
            "Неправильный запрос: неверный диапазон дат",
            "Invalid request: wrong date range",
            "Notoʻgʻri soʻrov: sanalar oraligʻi notoʻgʻri",
        ),
        Malformed::Request => pick(
            lang,
            "Неправильный запрос: строку запроса или заголовки невозможно прочитать",
            "Invalid request: the request line or the headers cannot be read",
            "Notoʻgʻri soʻrov: soʻrov satri yoki sarlavhalarni oʻqib boʻlmaydi",
        ),
        Malformed::LastAdmin => pick(
            lang,
            "Неправильный запрос: это последний администратор компании; сначала назначьте другого администратора",
            "Invalid request: this is the company's last administrator; make someone else an administrator first",
            "Notoʻgʻri soʻrov: bu kompaniyaning oxirgi administratori; avval boshqa administrator tayinlang",
        ),
        Malformed::NotApplicable => pick(
            lang,
            "Неправильный запрос: действие неприменимо",
            "Invalid request: the action does not apply",
            "Notoʻgʻri soʻrov: amalni qoʻllab boʻlmaydi",
        ),
    }
}

/// The `message` of one failing field.
pub fn field_message(error: &FieldError, lang: Lang) -> String {
    let field = &error.field;
    let base = match (error.code, lang) {
        (FieldCode::Required, Lang::Ru) => format!("Необходимо заполнить поле «{field}»"),
        (FieldCode::Required, Lang::En) => format!("The field “{field}” is required"),
        (FieldCode::Required, Lang::Uz) => format!("«{field}» maydonini toʻldirish shart"),
        (FieldCode::InvalidValue, Lang::Ru) => format!("Неверное значение поля «{field}»"),
        (FieldCode::InvalidValue, Lang::En) => format!("The value of “{field}” is invalid"),
        (FieldCode::InvalidValue, Lang::Uz) => format!("«{field}» maydonining qiymati notoʻgʻri"),
        (FieldCode::UnknownReference, Lang::Ru) => {
            format!("Значение поля «{field}» не найдено в компании")
        }
        (FieldCode::UnknownReference, Lang::En) => {
            format!("The value of “{field}” does not exist in the company")
        }
        (FieldCode::UnknownReference, Lang::Uz) => {
            format!("«{field}» qiymati kompaniyada topilmadi")
        }
        (FieldCode::NotSettable, Lang::Ru) => format!("Ваша роль не может задавать поле «{field}»"),
        (FieldCode::NotSettable, Lang::En) => format!("Your role may not set “{field}”"),
        (FieldCode::NotSettable, Lang::Uz) => {
            format!("Rolingiz «{field}» maydonini oʻrnata olmaydi")
        }
        (FieldCode::InvalidRole, Lang::Ru) => format!("Неверная роль в поле «{field}»"),
        (FieldCode::InvalidRole, Lang::En) => format!("Invalid role in “{field}”"),
        (FieldCode::InvalidRole, Lang::Uz) => format!("«{field}» maydonida rol notoʻgʻri"),
        (FieldCode::InvalidEmail, Lang::Ru) => {
            format!("Поле «{field}» не является правильным e-mail адресом")
        }
        (FieldCode::InvalidEmail, Lang::En) => format!("“{field}” is not a valid email address"),
        (FieldCode::InvalidEmail, Lang::Uz) => format!("«{field}» toʻgʻri e-mail manzili emas"),
        (FieldCode::AlreadyExists, Lang::Ru) => format!("Значение поля «{field}» уже занято"),
        (FieldCode::AlreadyExists, Lang::En) => format!("The value of “{field}” is already taken"),
        (FieldCode::AlreadyExists, Lang::Uz) => format!("«{field}» qiymati allaqachon band"),
        (FieldCode::DateFormat, Lang::Ru) => {
            format!("Неверный формат даты в поле «{field}» (ожидается ГГГГ-ММ-ДД)")
        }
        (FieldCode::DateFormat, Lang::En) => {
            format!("Wrong date format in “{field}” (YYYY-MM-DD expected)")
        }
        (FieldCode::DateFormat, Lang::Uz) => {
            format!("«{field}» maydonida sana formati notoʻgʻri (YYYY-MM-DD kutilgan)")
        }
        (FieldCode::DateTooEarly, Lang::Ru) => {
            format!("Ошибка минимальное значение поля «{field}»")
        }
        (FieldCode::DateTooEarly, Lang::En) => format!("“{field}” is earlier than allowed"),
        (FieldCode::DateTooEarly, Lang::Uz) => format!("«{field}» ruxsat etilganidan oldinroq"),
    };
    match (&error.reason, lang) {
        (Reason::Plain, _) => base,
        (Reason::TooShort(n), Lang::Ru) => format!("{base}: не менее {n} символов"),
        (Reason::TooShort(n), Lang::En) => format!("{base}: at least {n} characters"),
        (Reason::TooShort(n), Lang::Uz) => format!("{base}: kamida {n} belgi"),
        (Reason::TooLong(n), Lang::Ru) => format!("{base}: не более {n} символов"),
        (Reason::TooLong(n), Lang::En) => format!("{base}: at most {n} characters"),
        (Reason::TooLong(n), Lang::Uz) => format!("{base}: koʻpi bilan {n} belgi"),
        (Reason::OneOf(options), Lang::Ru) => format!("{base}: допустимо {}", options.join(", ")),
        (Reason::OneOf(options), Lang::En) => format!("{base}: one of {}", options.join(", ")),
        (Reason::OneOf(options), Lang::Uz) => {
            format!("{base}: ruxsat etilgan {}", options.join(", "))
        }
        (Reason::NotBefore(other), Lang::Ru) => format!("{base}: не раньше «{other}»"),
        (Reason::NotBefore(other), Lang::En) => format!("{base}: not before “{other}”"),
        (Reason::NotBefore(other), Lang::Uz) => format!("{base}: «{other}» dan oldin emas"),
        (Reason::Between(first, last), Lang::Ru) => format!("{base}: от {first} до {last}"),
        (Reason::Between(first, last), Lang::En) => format!("{base}: from {first} to {last}"),
        (Reason::Between(first, last), Lang::Uz) => format!("{base}: {first} dan {last} gacha"),
        (Reason::TooManyItems(n), Lang::Ru) => format!("{base}: не более {n} элементов"),
        (Reason::TooManyItems(n), Lang::En) => format!("{base}: at most {n} items"),
        (Reason::TooManyItems(n), Lang::Uz) => format!("{base}: koʻpi bilan {n} ta element"),
        (Reason::Rule(rule), lang) => format!("{base}: {}", rule_text(rule, lang)),
    }
}

/// The words of a field's own rule, in the caller's language.
fn rule_text(rule: &Rule, lang: Lang) -> String {
    let (ru, uz, en): (String, String, String) = match rule {
        Rule::NameCharacters => (
            "только буквы, цифры, пробел и ' ` _ ( ) & - № , .".into(),
            "faqat harflar, raqamlar, boʻsh joy va ' ` _ ( ) & - № , .".into(),
            "letters, digits, space and ' ` _ ( ) & - № , . only".into(),
        ),
        Rule::NotInCompany(ids) => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            (
                format!("нет в компании: {list}"),
                format!("kompaniyada yoʻq: {list}"),
                format!("not in the company: {list}"),
            )
        }
        Rule::AfterLastDayEmployed => (
            "должна быть позже последнего рабочего дня".into(),
            "oxirgi ish kunidan keyin boʻlishi kerak".into(),
            "after the last day employed".into(),
        ),
        Rule::RoleNeedsLogin => (
            "для роли нужен логин".into(),
            "rol uchun login kerak".into(),
            "a role needs a login".into(),
        ),
        Rule::PasswordNeedsLogin => (
            "для пароля нужен логин".into(),
            "parol uchun login kerak".into(),
            "a password needs a login".into(),
        ),
        Rule::OnlyOverseeingRolesHaveDepartments => (
            "отделы курируют только роли 2–4".into(),
            "boʻlimlarni faqat 2–4 rollar boshqaradi".into(),
            "only roles 2..4 oversee departments".into(),
        ),
        Rule::OnlyAdminsGrantRoles => (
            "роли 1–4 назначают только администраторы".into(),
            "1–4 rollarni faqat administratorlar beradi".into(),
            "only administrators grant roles 1..4".into(),
        ),
        Rule::HourlyWithinOneDay => (
            "почасовое отсутствие заканчивается после начала в тот же день".into(),
            "soatbay javob boshlanganidan keyin oʻsha kuni tugaydi".into(),
            "an hourly time-off ends after its start on the same local day".into(),
        ),
        Rule::AheadOfServerClock { minutes } => (
            format!("не более чем на {minutes} мин. вперёд от времени сервера"),
            format!("server vaqtidan koʻpi bilan {minutes} daqiqa oldinda"),
            format!("at most {minutes} minutes ahead of the server's clock"),
        ),
        Rule::TooFarBack { hours } => (
            format!("отметить себя можно не более чем за {hours} ч. назад"),
            format!("oʻzingizni koʻpi bilan {hours} soat oldinga belgilash mumkin"),
            format!("at most {hours} hours back when clocking yourself"),
        ),
        Rule::OutsideRadius { metres } => (
            format!("вне радиуса локации ({metres} м)"),
            format!("lokatsiya radiusidan tashqarida ({metres} m)"),
            format!("outside the location's radius of {metres} m"),
        ),
        Rule::NotLocationAddress => (
            "не адрес этой локации".into(),
            "bu lokatsiyaning manzili emas".into(),
            "not the location's address".into(),
        ),
        Rule::NotADecimal => (
            "не десятичное число".into(),
            "oʻnli son emas".into(),
            "not a decimal number".into(),
        ),
        Rule::NegativeAmount => (
            "не может быть отрицательной".into(),
            "manfiy boʻlishi mumkin emas".into(),
            "must not be negative".into(),
        ),
        Rule::TooManyDecimals => (
            "не более двух знаков после запятой".into(),
            "verguldan keyin koʻpi bilan ikki raqam".into(),
            "at most two decimals".into(),
        ),
        Rule::AmountTooLarge => (
            "не более 999999999999.99".into(),
            "koʻpi bilan 999999999999.99".into(),
            "at most 999999999999.99".into(),
        ),
        Rule::ResetTokenUnusable => (
            "неизвестен, использован или истёк".into(),
            "nomaʼlum, ishlatilgan yoki muddati oʻtgan".into(),
            "unknown, used or expired".into(),
        ),
        Rule::Inactive => ("не активно".into(), "faol emas".into(), "not active".into()),
        Rule::DepartmentCycle => (
            "отдел нельзя поместить в него самого или ниже".into(),
            "boʻlimni oʻzining ichiga yoki quyisiga joylab boʻlmaydi".into(),
            "a department cannot be placed under itself or below it".into(),
        ),
        Rule::UnknownTimeZone => (
            "не часовой пояс IANA".into(),
            "IANA vaqt mintaqasi emas".into(),
            "not an IANA time zone".into(),
        ),
        Rule::RadiusRange { max } => (
            format!("метры, от 0 до {max}"),
            format!("metr, 0 dan {max} gacha"),
            format!("metres, 0..{max}"),
        ),
        Rule::CoordinateRange { limit } => (
            format!("число от -{limit} до {limit}"),
            format!("-{limit} dan {limit} gacha son"),
            format!("a number within -{limit}..{limit}"),
        ),
        Rule::FileOrBase64 => (
            "файл или изображение в base64".into(),
            "fayl yoki base64 dagi rasm".into(),
            "a file, or the image in base64".into(),
        ),
        Rule::ImageFormat => (
            "только JPEG или PNG".into(),
            "faqat JPEG yoki PNG".into(),
            "JPEG or PNG only".into(),
        ),
        Rule::ImageDamaged => (
            "не читается как JPEG или PNG (данные повреждены)".into(),
            "JPEG yoki PNG sifatida oʻqilmaydi (maʼlumot buzilgan)".into(),
            "not a readable JPEG or PNG image (the data is damaged)".into(),
        ),
        Rule::ImageTooLarge { max, bytes } => (
            format!("не более 1,5 МБ ({max} байт); этот файл — {bytes} байт"),
            format!("koʻpi bilan 1,5 MB ({max} bayt); bu fayl {bytes} bayt"),
            format!("at most 1.5 MB ({max} bytes); this one is {bytes} bytes"),
        ),
        Rule::ImageTooSmall { min, width, height } => (
            format!("каждая сторона не менее {min} пикс.; это изображение {width}×{height}"),
            format!("har bir tomoni kamida {min} piksel; bu rasm {width}×{height}"),
            format!("each side at least {min} px; this one is {width}×{height} px"),
        ),
        Rule::ImageTooBig { max, width, height } => (
            format!("каждая сторона не более {max} пикс.; это изображение {width}×{height}"),
            format!("har bir tomoni koʻpi bilan {max} piksel; bu rasm {width}×{height}"),
            format!("each side at most {max} px; this one is {width}×{height} px"),
        ),
        Rule::MinutesRange { max } => (
            format!("минуты от 0 до {max}"),
            format!("daqiqalar 0 dan {max} gacha"),
            format!("minutes from 0 to {max}"),
        ),
        Rule::TimeOfDayFormat => (
            "ожидается ЧЧ:ММ".into(),
            "SS:DD kutilgan".into(),
            "HH:MM expected".into(),
        ),
        Rule::LunchWindowOrMinutes => (
            "укажите время обеда или lunch_minutes, но не оба".into(),
            "tushlik vaqtini yoki lunch_minutes ni bering, ikkalasini emas".into(),
            "give a lunch window or lunch_minutes, not both".into(),
        ),
        Rule::LunchWithinShift => (
            "обед должен быть внутри смены".into(),
            "tushlik smena ichida boʻlishi kerak".into(),
            "the lunch must lie within the shift".into(),
        ),
        Rule::Weekday => (
            "от 1 (понедельник) до 7 (воскресенье)".into(),
            "1 (dushanba) dan 7 (yakshanba) gacha".into(),
            "1 (Monday) to 7 (Sunday)".into(),
        ),
        Rule::ShiftEndsWhenItStarts => (
            "смена не может заканчиваться в момент начала".into(),
            "smena boshlangan paytda tugay olmaydi".into(),
            "a shift cannot end when it starts".into(),
        ),
        Rule::FloatingDayLunchMinutes => (
            "для плавающего дня задаётся lunch_minutes".into(),
            "erkin kun uchun lunch_minutes beriladi".into(),
            "a floating day takes lunch_minutes".into(),
        ),
        Rule::CycleDays { max } => (
            format!("от 1 до {max} дней"),
            format!("1 dan {max} kungacha"),
            format!("1 to {max} days"),
        ),
        Rule::NoWorkingDay => (
            "нужен хотя бы один рабочий день".into(),
            "kamida bitta ish kuni kerak".into(),
            "at least one working day".into(),
        ),
    };
    match lang {
        Lang::Ru => ru,
        Lang::Uz => uz,
        Lang::En => en,
    }
}

/// The answer to a password-reset request (the reference's wording in Russian).
pub fn password_reset_sent(email: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Письмо с ссылкой для изменения пароля отправлено на Ваш электронный адрес: {email}. \
             Следуйте инструкциям в письме, чтобы сбросить пароль учетной записи и вернуться на свой аккаунт."
        ),
        Lang::En => format!(
            "A message with a link to change the password was sent to your email address: {email}. \
             Follow its instructions to reset the password of your account."
        ),
        Lang::Uz => format!(
            "Parolni oʻzgartirish havolasi bilan xat elektron manzilingizga yuborildi: {email}. \
             Hisobingiz parolini tiklash uchun xatdagi koʻrsatmalarga amal qiling."
        ),
    }
}

/// The answer to a confirmed password reset.
pub fn password_changed(lang: Lang) -> String {
    pick(
        lang,
        "Пароль изменён. Войдите с новым паролем",
        "The password was changed. Log in with the new password",
        "Parol oʻzgartirildi. Yangi parol bilan kiring",
    )
}

/// The password-reset mail: subject and text.
pub fn reset_mail(link: &str, token: &str, lang: Lang) -> (String, String) {
    match lang {
        Lang::Ru => (
            "Восстановление пароля davomat".to_string(),
            format!(
                "Чтобы задать новый пароль, откройте ссылку (действует 1 час):\n\n{link}\n\n\
                 Или отправьте POST /v1/sign-in/password-reset/confirm с token={token} и новым паролем.\n\
                 Если вы не запрашивали сброс пароля, просто удалите это письмо."
            ),
        ),
        Lang::En => (
            "davomat password reset".to_string(),
            format!(
                "To set a new password, open this link (valid for 1 hour):\n\n{link}\n\n\
                 Or send POST /v1/sign-in/password-reset/confirm with token={token} and the new password.\n\
                 If you did not ask for a reset, just delete this message."
            ),
        ),
        Lang::Uz => (
            "davomat parolini tiklash".to_string(),
            format!(
                "Yangi parol oʻrnatish uchun havolani oching (1 soat amal qiladi):\n\n{link}\n\n\
                 Yoki token={token} va yangi parol bilan POST /v1/sign-in/password-reset/confirm yuboring.\n\
                 Agar parolni tiklashni soʻramagan boʻlsangiz, bu xatni oʻchirib tashlang."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each rule.
    fn every_rule() -> Vec<Rule> {
        vec![
            Rule::NameCharacters,
            Rule::NotInCompany(vec![7, 9]),
            Rule::AfterLastDayEmployed,
            Rule::RoleNeedsLogin,
            Rule::PasswordNeedsLogin,
            Rule::OnlyOverseeingRolesHaveDepartments,
            Rule::OnlyAdminsGrantRoles,
            Rule::HourlyWithinOneDay,
            Rule::AheadOfServerClock { minutes: 5 },
            Rule::TooFarBack { hours: 72 },
            Rule::OutsideRadius { metres: 100 },
            Rule::NotLocationAddress,
            Rule::NotADecimal,
            Rule::NegativeAmount,
            Rule::TooManyDecimals,
            Rule::AmountTooLarge,
            Rule::ResetTokenUnusable,
            Rule::Inactive,
            Rule::DepartmentCycle,
            Rule::UnknownTimeZone,
            Rule::RadiusRange { max: 1_000_000 },
            Rule::CoordinateRange { limit: 90 },
            Rule::FileOrBase64,
            Rule::ImageFormat,
            Rule::ImageDamaged,
            Rule::ImageTooLarge { max: 10, bytes: 11 },
            Rule::ImageTooSmall {
                min: 400,
                width: 1,
                height: 2,
            },
            Rule::ImageTooBig {
                max: 1600,
                width: 1,
                height: 2,
            },
            Rule::MinutesRange { max: 720 },
            Rule::TimeOfDayFormat,
            Rule::LunchWindowOrMinutes,
            Rule::LunchWithinShift,
            Rule::Weekday,
            Rule::ShiftEndsWhenItStarts,
            Rule::FloatingDayLunchMinutes,
            Rule::CycleDays { max: 366 },
            Rule::NoWorkingDay,
        ]
    }

    /// The words of a text: runs of ASCII letters of three or more, lowercased.
    fn english_words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_rule_is_worded_in_each_language_without_english_inside() {
        // Names of formats and fields are not words to translate; "login" and "server" are Uzbek too.
        let kept = [
            "jpeg",
            "png",
            "iana",
            "base",
            "lunch_minutes",
            "lunch",
            "minutes",
            "login",
            "server",
        ];
        for rule in every_rule() {
            let en = english_words(&rule_text(&rule, Lang::En));
            let ru = rule_text(&rule, Lang::Ru);
            let uz = rule_text(&rule, Lang::Uz);
            assert!(
                ru.chars().any(|c| ('а'..='я').contains(&c)),
                "{rule:?}: {ru}"
            );
            assert_ne!(uz, rule_text(&rule, Lang::En), "{rule:?}");
            for word in english_words(&ru).into_iter().chain(english_words(&uz)) {
                assert!(
                    kept.contains(&word.as_str()) || !en.contains(&word),
                    "{rule:?}: English word {word:?} in {ru} / {uz}"
                );
            }
        }
    }
}
