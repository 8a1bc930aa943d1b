# Every message the API writes, in Russian: the reference's language and the
# fallback for a message missing in another language. The same ids are in
# ../uz/api.ftl and ../en/api.ftl (a unit test in crates/api/src/i18n.rs checks).

## The `message` of an error body.

error-not-found = Не найдено
error-missing-argument = В запросе отсутствует обязательный аргумент: { $name }
error-method-not-allowed = Метод не разрешён для этого адреса
error-not-acceptable = Запрошенный формат не поддерживается: API отвечает только в JSON
error-payload-too-large = Тело запроса слишком большое (не более { $limit } байт)
error-delete-refused = Невозможно удалить: к этому объекту прикреплены сотрудники
error-employee-limit = Лимит на количество сотрудников превышен
error-unauthorized = Ошибка авторизации
error-bad-credentials = Неверное имя пользователя или пароль
error-invalid-client = Неправильный client_id или client_secret
error-unsupported-grant-type = Недействительный grant_type: ожидается password или refresh_token
error-refresh-token-expired = Refresh token истёк или уже использован
error-not-authenticated = Запрос без авторизации: передайте заголовок Authorization: Bearer <access_token>
error-invalid-token = Неправильный токен доступа
error-token-expired = Срок действия токена доступа истёк
error-payment-required = Доступ запрещён: срок подписки компании истёк
error-forbidden = Доступ запрещён: у вашей роли нет этого права
# The contract fixes these two in every language.
error-validation-failed = Validation Failed
error-upgrade-required = Upgrade Required
error-too-many-requests = Слишком много запросов в течение минуты
error-internal = Внутренняя ошибка сервера. Пожалуйста, попробуйте ещё раз
error-maintenance = Сервер временно недоступен: идут технические работы
error-database-unavailable = Сервер временно недоступен: нет связи с базой данных
error-timeout = Запрос не успел выполниться за отведённое время

## A request that cannot be read (code 4000).

malformed-body = Неправильный запрос: тело не является корректным JSON или формой
malformed-query-value = Неправильный запрос: неверное значение аргумента { $name }
malformed-date-range = Неправильный запрос: неверный диапазон дат
malformed-request = Неправильный запрос: строку запроса или заголовки невозможно прочитать
malformed-last-admin = Неправильный запрос: это последний администратор компании; сначала назначьте другого администратора
malformed-not-applicable = Неправильный запрос: действие неприменимо

## The `message` of one failing field: the code's meaning ($field is the field's name),
## then, where there is one, the reason.

field-required = Необходимо заполнить поле «{ $field }»
field-invalid-value = Неверное значение поля «{ $field }»
field-unknown-reference = Значение поля «{ $field }» не найдено в компании
field-not-settable = Ваша роль не может задавать поле «{ $field }»
field-invalid-role = Неверная роль в поле «{ $field }»
field-invalid-email = Поле «{ $field }» не является правильным e-mail адресом
field-already-exists = Значение поля «{ $field }» уже занято
field-date-format = Неверный формат даты в поле «{ $field }» (ожидается ГГГГ-ММ-ДД)
field-date-too-early = Ошибка минимальное значение поля «{ $field }»
field-with-reason = { $message }: { $reason }

reason-too-short = не менее { $n } { $n ->
        [one] символа
       *[other] символов
    }
reason-too-long = не более { $n } { $n ->
        [one] символа
       *[other] символов
    }
reason-one-of = допустимо { $options }
reason-not-before = не раньше «{ $other }»
reason-between = от { $first } до { $last }
reason-too-many-items = не более { $n } { $n ->
        [one] элемента
       *[other] элементов
    }

## A field's own rule (davomat_core::validation::Rule).

rule-name-characters = только буквы, цифры, пробел и ' ` _ ( ) & - № , .
rule-not-in-company = нет в компании: { $ids }
rule-after-last-day-employed = должна быть позже последнего рабочего дня
rule-role-needs-login = для роли нужен логин
rule-password-needs-login = для пароля нужен логин
rule-only-overseeing-roles-have-departments = отделы курируют только роли 2–4
rule-only-admins-grant-roles = роли 1–4 назначают только администраторы
rule-hourly-within-one-day = почасовое отсутствие заканчивается после начала в тот же день
rule-ahead-of-server-clock = не более чем на { $minutes } мин. вперёд от времени сервера
rule-too-far-back = отметить себя можно не более чем за { $hours } ч. назад
rule-outside-radius = вне радиуса локации ({ $metres } м)
rule-not-location-address = не адрес этой локации
rule-not-allowed-here = не может отмечаться на этой локации
rule-not-employed = сейчас не работает в компании
rule-no-biometric-consent = согласие сотрудника на хранение шаблона лица не записано
rule-private-address = указывает на локальный или частный сетевой адрес, куда вебхуки не отправляются
rule-not-a-decimal = не десятичное число
rule-negative-amount = не может быть отрицательной
rule-too-many-decimals = не более двух знаков после запятой
rule-amount-too-large = не более 999999999999.99
rule-reset-token-unusable = неизвестен, использован или истёк
rule-inactive = не активно
rule-department-cycle = отдел нельзя поместить в него самого или ниже
rule-unknown-time-zone = не часовой пояс IANA
rule-radius-range = метры, от 0 до { $max }
rule-coordinate-range = число от -{ $limit } до { $limit }
rule-file-or-base64 = файл или изображение в base64
rule-image-format = только JPEG или PNG
rule-image-damaged = не читается как JPEG или PNG (данные повреждены)
rule-image-too-large = не более 1,5 МБ ({ $max } байт); этот файл — { $bytes } байт
rule-image-too-small = каждая сторона не менее { $min } пикс.; это изображение { $width }×{ $height }
rule-image-too-big = каждая сторона не более { $max } пикс.; это изображение { $width }×{ $height }
rule-minutes-range = минуты от 0 до { $max }
rule-time-of-day-format = ожидается ЧЧ:ММ
rule-lunch-window-or-minutes = укажите время обеда или lunch_minutes, но не оба
rule-lunch-within-shift = обед должен быть внутри смены
rule-weekday = от 1 (понедельник) до 7 (воскресенье)
rule-shift-ends-when-it-starts = смена не может заканчиваться в момент начала
rule-floating-day-lunch-minutes = для плавающего дня задаётся lunch_minutes
rule-cycle-days = от 1 до { $max } { $max ->
        [one] дня
       *[other] дней
    }
rule-no-working-day = нужен хотя бы один рабочий день
rule-digits = только цифры, от { $min } до { $max }

## Password reset: the answers and the mail.

password-reset-sent = Письмо с ссылкой для изменения пароля отправлено на Ваш электронный адрес: { $email }. Следуйте инструкциям в письме, чтобы сбросить пароль учетной записи и вернуться на свой аккаунт.
password-changed = Пароль изменён. Войдите с новым паролем
reset-mail-subject = Восстановление пароля davomat
reset-mail-text =
    Чтобы задать новый пароль, откройте ссылку (действует 1 час):

    { $link }

    Или отправьте POST /v1/sign-in/password-reset/confirm с token={ $token } и новым паролем.
    Если вы не запрашивали сброс пароля, просто удалите это письмо.
