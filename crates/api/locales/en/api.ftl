# Every message the API writes, in English. The same ids as ../ru/api.ftl,
# the reference (a unit test in crates/api/src/i18n.rs checks).

## The `message` of an error body.

error-not-found = Not found
error-missing-argument = A required argument is missing: { $name }
error-method-not-allowed = Method not allowed for this URL
error-not-acceptable = The requested format is not available: the API answers in JSON only
error-payload-too-large = The request body is too large (at most { $limit } bytes)
error-delete-refused = Cannot delete: employees are attached to this object
error-employee-limit = The employee limit of the company is reached
error-unauthorized = Authorization failed
error-bad-credentials = Wrong username or password
error-invalid-client = Invalid client_id or client_secret
error-unsupported-grant-type = Invalid grant_type: password or refresh_token expected
error-refresh-token-expired = The refresh token has expired or was already used
error-not-authenticated = Unauthenticated request: send the header Authorization: Bearer <access_token>
error-invalid-token = The access token provided is invalid
error-token-expired = The access token has expired
error-payment-required = Access denied: the company's subscription has expired
error-forbidden = Access denied: your role lacks this permission
# The contract fixes these two in every language.
error-validation-failed = Validation Failed
error-upgrade-required = Upgrade Required
error-too-many-requests = Too many requests within one minute
error-internal = Internal server error. Please try again
error-maintenance = The server is temporarily unavailable for maintenance
error-database-unavailable = The server is temporarily unavailable: the database does not answer
error-timeout = The request ran past the server's time limit

## A request that cannot be read (code 4000).

malformed-body = Invalid request: the body is not well-formed JSON or form data
malformed-query-value = Invalid request: wrong value of the argument { $name }
malformed-date-range = Invalid request: wrong date range
malformed-request = Invalid request: the request line or the headers cannot be read
malformed-last-admin = Invalid request: this is the company's last administrator; make someone else an administrator first
malformed-not-applicable = Invalid request: the action does not apply

## The `message` of one failing field: the code's meaning ($field is the field's name),
## then, where there is one, the reason.

field-required = The field “{ $field }” is required
field-invalid-value = The value of “{ $field }” is invalid
field-unknown-reference = The value of “{ $field }” does not exist in the company
field-not-settable = Your role may not set “{ $field }”
field-invalid-role = Invalid role in “{ $field }”
field-invalid-email = “{ $field }” is not a valid email address
field-already-exists = The value of “{ $field }” is already taken
field-date-format = Wrong date format in “{ $field }” (YYYY-MM-DD expected)
field-date-too-early = “{ $field }” is earlier than allowed
field-with-reason = { $message }: { $reason }

reason-too-short = at least { $n } { $n ->
        [one] character
       *[other] characters
    }
reason-too-long = at most { $n } { $n ->
        [one] character
       *[other] characters
    }
reason-one-of = one of { $options }
reason-not-before = not before “{ $other }”
reason-between = from { $first } to { $last }
reason-too-many-items = at most { $n } { $n ->
        [one] item
       *[other] items
    }

## A field's own rule (davomat_core::validation::Rule).

rule-name-characters = letters, digits, space and ' ` _ ( ) & - № , . only
rule-not-in-company = not in the company: { $ids }
rule-after-last-day-employed = after the last day employed
rule-role-needs-login = a role needs a login
rule-password-needs-login = a password needs a login
rule-only-overseeing-roles-have-departments = only roles 2..4 oversee departments
rule-only-admins-grant-roles = only administrators grant roles 1..4
rule-hourly-within-one-day = an hourly time-off ends after its start on the same local day
rule-ahead-of-server-clock = at most { $minutes } minutes ahead of the server's clock
rule-too-far-back = at most { $hours } hours back when clocking yourself
rule-outside-radius = outside the location's radius of { $metres } m
rule-not-location-address = not the location's address
rule-not-allowed-here = may not clock at this location
rule-not-employed = not employed now
rule-no-biometric-consent = the employee's consent to keeping a face template is not recorded
rule-private-address = resolves to a loopback or private network address, which webhooks may not reach
rule-not-a-decimal = not a decimal number
rule-negative-amount = must not be negative
rule-too-many-decimals = at most two decimals
rule-amount-too-large = at most 999999999999.99
rule-reset-token-unusable = unknown, used or expired
rule-inactive = not active
rule-department-cycle = a department cannot be placed under itself or below it
rule-unknown-time-zone = not an IANA time zone
rule-radius-range = metres, 0..{ $max }
rule-coordinate-range = a number within -{ $limit }..{ $limit }
rule-file-or-base64 = a file, or the image in base64
rule-image-format = JPEG or PNG only
rule-image-damaged = not a readable JPEG or PNG image (the data is damaged)
rule-image-too-large = at most 1.5 MB ({ $max } bytes); this one is { $bytes } bytes
rule-image-too-small = each side at least { $min } px; this one is { $width }×{ $height } px
rule-image-too-big = each side at most { $max } px; this one is { $width }×{ $height } px
rule-minutes-range = minutes from 0 to { $max }
rule-time-of-day-format = HH:MM expected
rule-lunch-window-or-minutes = give a lunch window or lunch_minutes, not both
rule-lunch-within-shift = the lunch must lie within the shift
rule-weekday = 1 (Monday) to 7 (Sunday)
rule-shift-ends-when-it-starts = a shift cannot end when it starts
rule-floating-day-lunch-minutes = a floating day takes lunch_minutes
rule-cycle-days = 1 to { $max } { $max ->
        [one] day
       *[other] days
    }
rule-no-working-day = at least one working day
rule-digits = digits only, { $min } to { $max } of them

## Password reset: the answers and the mail.

password-reset-sent = A message with a link to change the password was sent to your email address: { $email }. Follow its instructions to reset the password of your account.
password-changed = The password was changed. Log in with the new password
reset-mail-subject = davomat password reset
reset-mail-text =
    To set a new password, open this link (valid for 1 hour):

    { $link }

    Or send POST /v1/sign-in/password-reset/confirm with token={ $token } and the new password.
    If you did not ask for a reset, just delete this message.
