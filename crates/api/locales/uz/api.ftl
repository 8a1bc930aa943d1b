# Every message the API writes, in Uzbek (Latin script). The same ids as
# ../ru/api.ftl, the reference (a unit test in crates/api/src/i18n.rs checks).

## The `message` of an error body.

error-not-found = Topilmadi
error-missing-argument = Soʻrovda majburiy argument yoʻq: { $name }
error-method-not-allowed = Bu manzil uchun usulga ruxsat yoʻq
error-not-acceptable = Soʻralgan format mavjud emas: API faqat JSON formatida javob beradi
error-payload-too-large = Soʻrov tanasi juda katta (koʻpi bilan { $limit } bayt)
error-delete-refused = Oʻchirib boʻlmaydi: bu obyektga xodimlar biriktirilgan
error-employee-limit = Xodimlar soni boʻyicha cheklovdan oshib ketildi
error-unauthorized = Avtorizatsiya xatosi
error-bad-credentials = Foydalanuvchi nomi yoki parol notoʻgʻri
error-invalid-client = client_id yoki client_secret notoʻgʻri
error-unsupported-grant-type = grant_type notoʻgʻri: password yoki refresh_token kutilgan
error-refresh-token-expired = Refresh token muddati tugagan yoki allaqachon ishlatilgan
error-not-authenticated = Avtorizatsiyasiz soʻrov: Authorization: Bearer <access_token> sarlavhasini yuboring
error-invalid-token = Kirish tokeni notoʻgʻri
error-token-expired = Kirish tokenining muddati tugagan
error-payment-required = Kirish taqiqlangan: kompaniya obunasi muddati tugagan
error-forbidden = Kirish taqiqlangan: rolingizda bu huquq yoʻq
# The contract fixes these two in every language.
error-validation-failed = Validation Failed
error-upgrade-required = Upgrade Required
error-too-many-requests = Bir daqiqa ichida juda koʻp soʻrov
error-internal = Serverning ichki xatosi. Iltimos, qayta urinib koʻring
error-maintenance = Server vaqtincha mavjud emas: texnik ishlar olib borilmoqda
error-database-unavailable = Server vaqtincha mavjud emas: maʼlumotlar bazasi javob bermayapti
error-timeout = Soʻrov ajratilgan vaqt ichida bajarilmadi

## A request that cannot be read (code 4000).

malformed-body = Notoʻgʻri soʻrov: tana toʻgʻri JSON yoki forma emas
malformed-query-value = Notoʻgʻri soʻrov: { $name } argumentining qiymati notoʻgʻri
malformed-date-range = Notoʻgʻri soʻrov: sanalar oraligʻi notoʻgʻri
malformed-request = Notoʻgʻri soʻrov: soʻrov satri yoki sarlavhalarni oʻqib boʻlmaydi
malformed-last-admin = Notoʻgʻri soʻrov: bu kompaniyaning oxirgi administratori; avval boshqa administrator tayinlang
malformed-not-applicable = Notoʻgʻri soʻrov: amalni qoʻllab boʻlmaydi

## The `message` of one failing field: the code's meaning ($field is the field's name),
## then, where there is one, the reason.

field-required = «{ $field }» maydonini toʻldirish shart
field-invalid-value = «{ $field }» maydonining qiymati notoʻgʻri
field-unknown-reference = «{ $field }» qiymati kompaniyada topilmadi
field-not-settable = Rolingiz «{ $field }» maydonini oʻrnata olmaydi
field-invalid-role = «{ $field }» maydonida rol notoʻgʻri
field-invalid-email = «{ $field }» toʻgʻri e-mail manzili emas
field-already-exists = «{ $field }» qiymati allaqachon band
field-date-format = «{ $field }» maydonida sana formati notoʻgʻri (YYYY-MM-DD kutilgan)
field-date-too-early = «{ $field }» ruxsat etilganidan oldinroq
field-with-reason = { $message }: { $reason }

reason-too-short = kamida { $n } belgi
reason-too-long = koʻpi bilan { $n } belgi
reason-one-of = ruxsat etilgan { $options }
reason-not-before = «{ $other }» dan oldin emas
reason-between = { $first } dan { $last } gacha
reason-too-many-items = koʻpi bilan { $n } ta element

## A field's own rule (davomat_core::validation::Rule).

rule-name-characters = faqat harflar, raqamlar, boʻsh joy va ' ` _ ( ) & - № , .
rule-not-in-company = kompaniyada yoʻq: { $ids }
rule-after-last-day-employed = oxirgi ish kunidan keyin boʻlishi kerak
rule-role-needs-login = rol uchun login kerak
rule-password-needs-login = parol uchun login kerak
rule-only-overseeing-roles-have-departments = boʻlimlarni faqat 2–4 rollar boshqaradi
rule-only-admins-grant-roles = 1–4 rollarni faqat administratorlar beradi
rule-hourly-within-one-day = soatbay javob boshlanganidan keyin oʻsha kuni tugaydi
rule-ahead-of-server-clock = server vaqtidan koʻpi bilan { $minutes } daqiqa oldinda
rule-too-far-back = oʻzingizni koʻpi bilan { $hours } soat oldinga belgilash mumkin
rule-outside-radius = lokatsiya radiusidan tashqarida ({ $metres } m)
rule-not-location-address = bu lokatsiyaning manzili emas
rule-not-allowed-here = bu lokatsiyada belgi qo‘ya olmaydi
rule-not-employed = hozir kompaniyada ishlamaydi
rule-no-biometric-consent = xodimning yuz shablonini saqlashga roziligi qayd etilmagan
rule-private-address = lokal yoki xususiy tarmoq manziliga ishora qiladi, vebhuklar u yerga yuborilmaydi
rule-not-a-decimal = oʻnli son emas
rule-negative-amount = manfiy boʻlishi mumkin emas
rule-too-many-decimals = verguldan keyin koʻpi bilan ikki raqam
rule-amount-too-large = koʻpi bilan 999999999999.99
rule-reset-token-unusable = nomaʼlum, ishlatilgan yoki muddati oʻtgan
rule-inactive = faol emas
rule-department-cycle = boʻlimni oʻzining ichiga yoki quyisiga joylab boʻlmaydi
rule-unknown-time-zone = IANA vaqt mintaqasi emas
rule-radius-range = metr, 0 dan { $max } gacha
rule-coordinate-range = -{ $limit } dan { $limit } gacha son
rule-file-or-base64 = fayl yoki base64 dagi rasm
rule-image-format = faqat JPEG yoki PNG
rule-image-damaged = JPEG yoki PNG sifatida oʻqilmaydi (maʼlumot buzilgan)
rule-image-too-large = koʻpi bilan 1,5 MB ({ $max } bayt); bu fayl { $bytes } bayt
rule-image-too-small = har bir tomoni kamida { $min } piksel; bu rasm { $width }×{ $height }
rule-image-too-big = har bir tomoni koʻpi bilan { $max } piksel; bu rasm { $width }×{ $height }
rule-minutes-range = daqiqalar 0 dan { $max } gacha
rule-time-of-day-format = SS:DD kutilgan
rule-lunch-window-or-minutes = tushlik vaqtini yoki lunch_minutes ni bering, ikkalasini emas
rule-lunch-within-shift = tushlik smena ichida boʻlishi kerak
rule-weekday = 1 (dushanba) dan 7 (yakshanba) gacha
rule-shift-ends-when-it-starts = smena boshlangan paytda tugay olmaydi
rule-floating-day-lunch-minutes = erkin kun uchun lunch_minutes beriladi
rule-cycle-days = 1 dan { $max } kungacha
rule-no-working-day = kamida bitta ish kuni kerak
rule-digits = faqat raqamlar, { $min } tadan { $max } tagacha

## Password reset: the answers and the mail.

password-reset-sent = Parolni oʻzgartirish havolasi bilan xat elektron manzilingizga yuborildi: { $email }. Hisobingiz parolini tiklash uchun xatdagi koʻrsatmalarga amal qiling.
password-changed = Parol oʻzgartirildi. Yangi parol bilan kiring
reset-mail-subject = davomat parolini tiklash
reset-mail-text =
    Yangi parol oʻrnatish uchun havolani oching (1 soat amal qiladi):

    { $link }

    Yoki token={ $token } va yangi parol bilan POST /v1/sign-in/password-reset/confirm yuboring.
    Agar parolni tiklashni soʻramagan boʻlsangiz, bu xatni oʻchirib tashlang.
