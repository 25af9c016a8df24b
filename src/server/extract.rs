//! Extractors: the authenticated caller, JSON bodies with per-field errors, and query
//! strings and paths whose rejections are problem documents.
//!
//! A route checks the caller's permission before it reads what they sent: it takes its
//! body as a [`JsonBody`] and parses it with [`parse_json`] after [`Caller::require`] (and a query
//! with [`parse_query`], where not every role may use the route), so whoever may not do
//! something is told so (403), not how to shape the request (422).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::{ApiError, RequestContext};
use super::store::{Actor, Operator};
use crate::domain::{Permission, Role};
use crate::i18n::{Lang, Msg, T};

/// The operator making the request, with the request's language and id.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub operator: Operator,
    /// Language and request id.
    pub ctx: RequestContext,
    /// The stored form of the bearer token, so a long-lived stream can check it is still
    /// valid.
    pub token_hash: String,
}

impl Caller {
    /// `Ok` when one of the caller's roles grants `permission`, else a 403 naming the
    /// caller's roles and the roles that grant it (whom to ask).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        self.require_any(&[permission])
    }

    /// `Ok` when one of the caller's roles grants one of `permissions`, else a 403 naming
    /// the roles that grant any of them.
    pub fn require_any(&self, permissions: &[Permission]) -> Result<(), ApiError> {
        if permissions.iter().any(|p| self.operator.roles.permits(*p)) {
            return Ok(());
        }
        // The roles by their names in the caller's language (客服, not `support`).
        let lang = self.ctx.lang;
        let named = |roles: &mut dyn Iterator<Item = Role>| {
            roles
                .map(|r| r.label(lang))
                .collect::<Vec<_>>()
                .join(T::ListJoin.get(lang))
        };
        let theirs = named(&mut self.operator.roles.roles().iter().copied());
        let granting = named(
            &mut Role::ALL
                .into_iter()
                .filter(|r| permissions.iter().any(|p| r.permits(*p))),
        );
        Err(ApiError::Forbidden {
            code: "forbidden",
            detail: Msg::with(T::ProblemForbiddenDetail, [theirs, granting]),
        })
    }

    /// The caller as an audit actor.
    pub fn actor(&self) -> Actor {
        Actor::Operator {
            id: self.operator.id.clone(),
            name: self.operator.name.clone(),
        }
    }
}

fn context(parts: &Parts) -> RequestContext {
    parts
        .extensions
        .get::<RequestContext>()
        .cloned()
        .unwrap_or(RequestContext {
            lang: Lang::default(),
            request_id: super::store::new_id(),
        })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let facts = parts
            .extensions
            .get::<super::error::LogFacts>()
            .cloned()
            .unwrap_or_default();
        let Some(token) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            facts.refused("no token sent".into());
            return Err(ApiError::Unauthorized);
        };
        let token_hash = super::store::hash_token(token);
        let Some(operator) = state.store.authenticate_hash(&token_hash).await? else {
            // Best effort: the refusal stands whatever the log can say of it.
            facts.refused(
                state
                    .store
                    .why_refused(&token_hash)
                    .await
                    .unwrap_or_else(|e| format!("unknown ({e})")),
            );
            return Err(ApiError::Unauthorized);
        };
        facts.operator(format!("{} ({})", operator.name, operator.id));
        // A query parameter the read does not take: refused now that the token is taken.
        if let Some(unknown) = parts.extensions.get::<super::routes::UnknownParameter>() {
            return Err(unknown.problem());
        }
        Ok(Caller {
            operator,
            ctx: context(parts),
            token_hash,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(context(parts))
    }
}

/// A body an operation reads as JSON, with what its Content-Type said: the type is judged
/// by [`parse_json`], after the caller's permission, so whoever may not do something is
/// told that first.
#[derive(Debug)]
pub struct JsonBody {
    bytes: Bytes,
    /// The Content-Type sent when it is not JSON (none sent is taken as JSON).
    not_json: Option<String>,
}

impl std::ops::Deref for JsonBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

/// True for `application/json`, with no charset or UTF-8's (the body is read as UTF-8;
/// another would be read wrong, and `…+json` types such as a merge patch mean something
/// this API does not do).
fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
                let value = value.trim().trim_matches('"');
                value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
            }
            _ => true,
        })
}

/// The largest JSON body an operation reads. The largest the API's clients send (a
/// mailing batch of a few hundred order numbers) is a few kilobytes; a body of megabytes
/// would only cost the instance CPU that its other requests (health probes too) wait for.
pub const JSON_LIMIT: usize = 256 * 1024;

impl FromRequest<AppState> for JsonBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // Never more than an upload may be (a platform set to take small files).
        let limit = JSON_LIMIT.min(state.config.max_upload_bytes);
        let not_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .filter(|t| !is_json(t));
        let bytes = read_limited(req, limit).await?;
        Ok(JsonBody { bytes, not_json })
    }
}

/// A request's body, at most `limit` bytes: one declared or found larger is refused (413)
/// unread, with `Connection: close` (the connection cannot carry another request); one cut
/// off or stalled past the body timeout is a 400.
pub async fn read_limited(req: Request, limit: usize) -> Result<Bytes, Response> {
    let too_large = || {
        let mut response = ApiError::BodyTooLarge(limit).into_response();
        response.headers_mut().insert(
            header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        response
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(bytes) => Ok(bytes),
        // Over the limit as it arrived (no length declared): the limit's own error (here,
        // or the platform's body limit around every request) names itself so.
        Err(e) if e.to_string().contains("length limit") => Err(too_large()),
        // Cut off, or stalled past the body timeout.
        Err(e) => {
            tracing::info!(error = %e, "a request body could not be read");
            Err(ApiError::BadRequest {
                code: "malformed_request",
                detail: Msg::new(T::ProblemBodyUnreadable),
            }
            .into_response())
        }
    }
}

/// Parses a JSON body ([`parse_json_bytes`]), refusing one sent as another type (415): a
/// form-encoded `curl -d` is told to send JSON, not that its fields are wrong.
pub fn parse_json<V: DeserializeOwned + serde::Serialize>(body: &JsonBody) -> Result<V, ApiError> {
    not_json(body)?;
    parse_json_bytes(&body.bytes)
}

/// A header the caller sent, said back in a problem: printable ASCII only, and short.
pub fn header_shown(sent: &str) -> String {
    sent.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(80)
        .collect()
}

/// A body sent as another type than JSON (415).
fn not_json(body: &JsonBody) -> Result<(), ApiError> {
    match &body.not_json {
        Some(sent) => Err(ApiError::NotJson(header_shown(sent))),
        None => Ok(()),
    }
}

/// Parses JSON, naming the field whose value has the wrong type or shape, and any field
/// the operation does not take ([`read_json`]). A NUL character is valid in no field of
/// this API (and PostgreSQL refuses it): one in a field is reported against that field.
pub fn parse_json_bytes<V: DeserializeOwned + serde::Serialize>(
    bytes: &[u8],
) -> Result<V, ApiError> {
    match read_body(bytes)? {
        Lenient::Fits(value) => Ok(value),
        Lenient::Unfit(unfit) => Err(ApiError::Validation(unfit.errors)),
    }
}

/// A body read leniently ([`parse_json_lenient`]).
pub enum Lenient<V> {
    /// It fits: every field there and of its kind, none the operation does not take.
    Fits(V),
    /// It does not: the fields that do not fit, and the body read with a stand-in for each.
    Unfit(Unfit<V>),
}

impl<V> Lenient<V> {
    /// The body, or its stand-in when it does not fit: for checks that must look things up
    /// first (a customer, orders) before [`Lenient::check`] says everything at once.
    pub fn value(&self) -> &V {
        match self {
            Lenient::Fits(value) => value,
            Lenient::Unfit(unfit) => &unfit.stand_in,
        }
    }

    /// The body and what the operation's own `check` made of it; or, when it does not
    /// fit, every field that does not and every one `check` refuses of the rest, at once.
    pub fn check<W>(
        self,
        check: impl FnOnce(&V) -> Result<W, ApiError>,
    ) -> Result<(V, W), ApiError> {
        match self {
            Lenient::Fits(value) => {
                let checked = check(&value)?;
                Ok((value, checked))
            }
            Lenient::Unfit(unfit) => {
                let checked = check(&unfit.stand_in);
                Err(unfit.refused(checked))
            }
        }
    }
}

/// A body whose fields do not fit, for the operation to refuse after its own checks.
pub struct Unfit<V> {
    errors: Vec<(String, Msg)>,
    /// The body with each field that does not fit stood in for (`""`, `0`, `[]`, a
    /// missing field `null`), the ones the operation does not take left out: only for the
    /// operation's own checks, never to act on.
    pub stand_in: V,
}

impl<V> Unfit<V> {
    /// The refusal: the fields that do not fit, then what the operation's own checks of
    /// the stand-in found in the other fields (a field already named is not named again,
    /// nor one inside an object named: the object is what is missing or wrong).
    pub fn refused<W>(self, checked: Result<W, ApiError>) -> ApiError {
        let mut errors = self.errors;
        if let Err(ApiError::Validation(more)) = checked {
            for (field, message) in more {
                let named = errors.iter().any(|(named, _)| {
                    field == *named
                        || field
                            .strip_prefix(named.as_str())
                            .is_some_and(|rest| rest.starts_with(['.', '[']))
                });
                if !named {
                    errors.push((field, message));
                }
            }
        }
        ApiError::Validation(errors)
    }
}

/// [`parse_json`], keeping a body whose fields do not fit for the operation's own checks,
/// so that its answer names every field at once: a misspelt field beside a wrong phone
/// number, a missing one beside a bad name. `Err` for what is not a body of fields at all
/// (not JSON, not an object, text after it).
pub fn parse_json_lenient<V: DeserializeOwned + serde::Serialize>(
    body: &JsonBody,
) -> Result<Lenient<V>, ApiError> {
    not_json(body)?;
    read_body(&body.bytes)
}

/// [`parse_json_lenient`] with the operation's own checks (`check`, of the fields alone):
/// the body and what `check` made of it, or every field that does not fit and every one
/// `check` refuses, at once.
pub fn parse_json_checked<V: DeserializeOwned + serde::Serialize, W>(
    body: &JsonBody,
    check: impl Fn(&V) -> Result<W, ApiError>,
) -> Result<(V, W), ApiError> {
    parse_json_lenient(body)?.check(check)
}

fn read_body<V: DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> Result<Lenient<V>, ApiError> {
    // Every body of this API is an object. serde would read a struct from an array too,
    // field by field in order, which no client means and the document does not say.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::BadRequest {
            code: "malformed_request",
            detail: Msg::new(T::ProblemBodyNotObject),
        });
    }
    // Nested past any body of this API: said so at once. (Deeper than serde's own limit,
    // a body would otherwise be read in part and answered with some of its fields only.)
    if nesting(bytes) > MAX_NESTING {
        return Err(ApiError::BadRequest {
            code: "malformed_request",
            detail: Msg::with(T::ProblemBodyTooDeep, [MAX_NESTING.to_string()]),
        });
    }
    let (mut errors, value) = match read_json(bytes)? {
        Lenient::Fits(value) => (Vec::new(), value),
        Lenient::Unfit(unfit) => (unfit.errors, unfit.stand_in),
    };
    // A NUL is valid in no field (PostgreSQL refuses it): named, and the stand-in, which
    // the operation's checks may look up, holds none.
    let mut read = None;
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        let mut tree = serde_json::to_value(&value).ok();
        if let Some(path) = tree.as_ref().and_then(|t| nul_path(t, String::new()))
            && !errors.iter().any(|(named, _)| *named == path)
        {
            errors.push((path, Msg::new(T::ErrControlChars)));
        }
        if let Some(tree) = tree.as_mut() {
            without_nul(tree);
        }
        read = Some(tree);
    }
    if errors.is_empty() {
        return Ok(Lenient::Fits(value));
    }
    let stand_in = match read {
        None => value,
        Some(tree) => match tree.and_then(|t| serde_json::from_value(t).ok()) {
            Some(clean) => clean,
            // No stand-in without the NUL: the fields that do not fit alone.
            None => return Err(ApiError::Validation(errors)),
        },
    };
    Ok(Lenient::Unfit(Unfit { errors, stand_in }))
}

/// How deep a body may nest objects and arrays: a few levels are all any request of this
/// API has; well below serde_json's own limit (128).
const MAX_NESTING: usize = 32;

/// How deep `bytes` nest objects and arrays, brackets inside strings not counted (whatever
/// the bytes are: not JSON is said by the parser after).
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Empties every string holding a NUL.
fn without_nul(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => text.clear(),
        Value::Array(items) => items.iter_mut().for_each(without_nul),
        Value::Object(fields) => fields.values_mut().for_each(without_nul),
        _ => {}
    }
}

/// Reads one JSON value into `V`: a field `V` does not take is named, not dropped (a typo
/// in an optional field would lose what it carried without a word), and nothing may follow
/// the value (a body spliced from two would be taken for its first half).
fn read_json<V: DeserializeOwned>(bytes: &[u8]) -> Result<Lenient<V>, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut unknown: Vec<String> = Vec::new();
    let mut note = |path: serde_ignored::Path| unknown.push(ignored_path(&path));
    let read = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        &mut deserializer,
        &mut note,
    ));
    let value = match read {
        Ok(value) => value,
        Err(e) => return read_problem::<V>(bytes, e).map(Lenient::Unfit),
    };
    if let Err(e) = deserializer.end() {
        return Err(after_json(&e));
    }
    if unknown.is_empty() {
        return Ok(Lenient::Fits(value));
    }
    Ok(Lenient::Unfit(Unfit {
        errors: unknown
            .into_iter()
            .map(|field| (field, Msg::new(T::ErrUnknownField)))
            .collect(),
        stand_in: value,
    }))
}

/// Text after the body's value.
fn after_json(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_request",
        detail: Msg::with(
            T::ProblemBodyAfterJson,
            [e.line().to_string(), e.column().to_string()],
        ),
    }
}

/// A field's path as the API's other field errors name it (`mailing.floor`,
/// `orders[2].note`).
fn ignored_path(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        Path::Map { parent, key } => match ignored_path(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// What is wrong with a body serde could not read into `V`: not JSON, or text after it
/// (`Err`); else its fields that do not fit, with the body read with a stand-in for each
/// (and the fields `V` does not take named too) — or `Err` when no stand-in makes it fit.
fn read_problem<V: DeserializeOwned>(
    bytes: &[u8],
    e: serde_path_to_error::Error<serde_json::Error>,
) -> Result<Unfit<V>, ApiError> {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let not_json = |e: &serde_json::Error| ApiError::BadRequest {
        code: "malformed_request",
        detail: Msg::with(
            T::ProblemBodyNotJson,
            [e.line().to_string(), e.column().to_string()],
        ),
    };
    if inner.is_syntax() || inner.is_eof() {
        return Err(not_json(&inner));
    }
    // serde stopped inside the value: the rest of it is read too, and what follows it, so
    // that a body that is not JSON, or two bodies spliced, is said so before its fields.
    let mut whole = serde_json::Deserializer::from_slice(bytes);
    if let Err(e) = <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut whole) {
        return Err(not_json(&e));
    }
    if let Err(e) = whole.end() {
        return Err(after_json(&e));
    }
    let message = serde_words(&inner);
    let first = data_problem(&path, &message);
    // The rest are looked for in a body of a form's size: each look reads it again.
    let body: Option<serde_json::Value> = (bytes.len() <= 64 * 1024)
        .then(|| serde_json::from_slice(bytes).ok())
        .flatten();
    match (first, body) {
        (ApiError::Validation(errors), Some(body)) => {
            let (mut errors, body) = every_field_problem::<V>(body, errors, &path, &message);
            // What is left, read once more: the fields `V` does not take, and the stand-in.
            let mut unknown = Vec::new();
            let read: Result<V, _> = serde_ignored::deserialize(&body, |path| {
                unknown.push(ignored_path(&path));
            });
            match read {
                Ok(stand_in) => {
                    for field in unknown {
                        if !errors.iter().any(|(named, _)| *named == field) {
                            errors.push((field, Msg::new(T::ErrUnknownField)));
                        }
                    }
                    Ok(Unfit { errors, stand_in })
                }
                Err(_) => Err(ApiError::Validation(errors)),
            }
        }
        (first, _) => Err(first),
    }
}

/// serde's words for a value that does not fit, without the position they end with (the
/// field is named by the path).
fn serde_words(error: &serde_json::Error) -> String {
    let message = error.to_string();
    message
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Every field of `body` that does not fit, after the first (`errors`, for `path` with
/// serde's `message`): serde stops at the first, so each one found is given a stand-in and
/// the rest read again — a wrong value one of the kind it should have (`""`, `0`, `false`,
/// `[]`), a missing field `null` (then, if it may not be empty, one of its kind) — until
/// what is left fits or a field's kind has no stand-in (a choice of words). An object
/// missing or of the wrong kind is named once and stood in for by `{}`: the fields after
/// it are still named, the ones inside it are not (the object itself is what is missing).
fn every_field_problem<V: DeserializeOwned>(
    mut body: serde_json::Value,
    mut errors: Vec<(String, Msg)>,
    path: &str,
    message: &str,
) -> (Vec<(String, Msg)>, serde_json::Value) {
    let (mut path, mut message) = (path.to_owned(), message.to_owned());
    let mut tried: Vec<(String, String)> = Vec::new();
    // Objects named as missing or wrong, whose own fields are not named after them.
    let mut whole: Vec<String> = Vec::new();
    // A body names at most a few dozen fields; the bound keeps a hostile one cheap.
    for _ in 0..64 {
        if tried.iter().any(|(p, m)| *p == path && *m == message) {
            break;
        }
        tried.push((path.clone(), message.clone()));
        let placed = match missing_field(&message) {
            Some(name) => put_at(&mut body, &path, name, serde_json::Value::Null),
            None => match stand_in(&message) {
                Some(value) => replace_at(&mut body, &path, value),
                None if matches!(expected(&message), Expected::Object)
                    && !message.starts_with("unknown variant") =>
                {
                    whole.push(path.clone());
                    replace_at(&mut body, &path, serde_json::json!({}))
                }
                None => false,
            },
        };
        if !placed {
            break;
        }
        let Err(e) = serde_path_to_error::deserialize::<_, V>(&body) else {
            break;
        };
        path = e.path().to_string();
        message = serde_words(e.inner());
        let ApiError::Validation(more) = data_problem(&path, &message) else {
            break;
        };
        for (field, error) in more {
            let inside = whole.iter().any(|object| {
                field
                    .strip_prefix(object.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            });
            if !inside && !errors.iter().any(|(named, _)| *named == field) {
                errors.push((field, error));
            }
        }
    }
    (errors, body)
}

/// The field serde's `message` says is missing.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

/// Adds `name` with `value` to the object at `path` (`.` for the body itself); whether
/// there was such an object.
fn put_at(body: &mut serde_json::Value, path: &str, name: &str, value: serde_json::Value) -> bool {
    let object = if path == "." || path.is_empty() {
        Some(body)
    } else {
        find_mut(body, path)
    };
    match object.and_then(serde_json::Value::as_object_mut) {
        Some(fields) => {
            fields.insert(name.to_owned(), value);
            true
        }
        None => false,
    }
}

/// A value of the kind serde's `message` says was expected, if it is a simple one.
fn stand_in(message: &str) -> Option<serde_json::Value> {
    use serde_json::Value;
    if message.starts_with("unknown variant") {
        return None;
    }
    match expected(message) {
        Expected::Text => Some(Value::String(String::new())),
        Expected::Boolean => Some(Value::Bool(false)),
        Expected::WholeNumber => Some(Value::from(0)),
        Expected::List => Some(Value::Array(Vec::new())),
        Expected::Object | Expected::Other => None,
    }
}

/// Puts `value` at `path` (`applicant.name`, `reasons[1]`) in `body`; whether the path
/// was there.
fn replace_at(body: &mut serde_json::Value, path: &str, value: serde_json::Value) -> bool {
    match find_mut(body, path) {
        Some(at) => {
            *at = value;
            true
        }
        None => false,
    }
}

/// The value at `path` (`applicant.name`, `reasons[1]`) in `body`.
fn find_mut<'v>(body: &'v mut serde_json::Value, path: &str) -> Option<&'v mut serde_json::Value> {
    let mut at = body;
    for step in path.split('.') {
        let (name, index) = match step.split_once('[') {
            Some((name, rest)) => (name, rest.strip_suffix(']').and_then(|i| i.parse().ok())),
            None => (step, None),
        };
        if !name.is_empty() {
            at = at.get_mut(name)?;
        }
        if let Some(index) = index {
            at = at.get_mut::<usize>(index)?;
        }
    }
    Some(at)
}

/// A body or query that is well-formed but does not fit: a required field missing (422
/// naming it), a value of the wrong kind (422 naming the field, in the caller's language,
/// without serde's or Rust's words for it), or not an object at all (400).
fn data_problem(path: &str, message: &str) -> ApiError {
    let field = |name: &str| match path {
        "." | "" => name.to_owned(),
        _ => format!("{path}.{name}"),
    };
    if let Some(missing) = missing_field(message) {
        return ApiError::field(&field(missing), T::ErrRequired);
    }
    // `duplicate field `name``: the same key twice in one object.
    if let Some(twice) = message
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.split('`').next())
    {
        return ApiError::field(&field(twice), T::ErrDuplicateKey);
    }
    if path == "." || path.is_empty() {
        return ApiError::BadRequest {
            code: "malformed_request",
            detail: Msg::new(T::ProblemBodyNotObject),
        };
    }
    if message.starts_with("unknown variant") {
        // Its words name the values it takes: those are the API's, not Rust's.
        return ApiError::field(path, Msg::with(T::ErrInvalidValue, [message]));
    }
    let kind = match expected(message) {
        Expected::WholeNumber => T::ErrExpectedWholeNumber,
        Expected::Boolean => T::ErrExpectedBoolean,
        Expected::Text => T::ErrExpectedText,
        Expected::List => T::ErrExpectedList,
        Expected::Object => T::ErrExpectedObject,
        Expected::Other => T::ErrExpectedOther,
    };
    ApiError::field(path, kind)
}

/// The kind of value serde's `message` says a field should have had.
enum Expected {
    WholeNumber,
    Boolean,
    Text,
    List,
    Object,
    Other,
}

fn expected(message: &str) -> Expected {
    let expected = message.rsplit("expected ").next().unwrap_or_default();
    if message.starts_with("invalid digit") || message.contains("integer from empty") {
        // A query's number that is not one (Rust's words for a failed integer parse).
        Expected::WholeNumber
    } else if expected.contains("bool") || message.contains("`true` or `false`") {
        Expected::Boolean
    } else if expected.contains("string") || expected.contains("char") {
        Expected::Text
    } else if ["integer", "i64", "i32", "u64", "u32", "u16", "u8", "usize", "number"]
        .iter()
        .any(|k| expected.contains(k))
        || message.contains("too large")
        // `json_integer`'s own words for 3.5 where a whole number goes (every number of
        // this API is one).
        || message.ends_with("is not an integer")
    {
        Expected::WholeNumber
    } else if expected.contains("sequence") {
        Expected::List
    } else if expected.contains("struct") || expected.contains("map") {
        Expected::Object
    } else {
        Expected::Other
    }
}

/// The path (`applicant.name`, `reasons[1]`) of the first string holding a NUL.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s
            .contains('\0')
            .then(|| if at.is_empty() { ".".into() } else { at }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let key: String = key.chars().filter(|c| !c.is_control()).collect();
            nul_path(
                item,
                if at.is_empty() {
                    key
                } else {
                    format!("{at}.{key}")
                },
            )
        }),
        _ => None,
    }
}

/// A query string; a bad one is a problem document. A route that not every role may use
/// checks the caller's permission first and then reads its query with [`parse_query`].
#[derive(Debug, Clone)]
pub struct ApiQuery<V>(pub V);

impl<V: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<V> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Parses a query string, naming every parameter that does not fit.
pub fn parse_query<V: DeserializeOwned>(raw: &str) -> Result<V, ApiError> {
    match read_query(raw)? {
        (Some(value), errors) if errors.is_empty() => Ok(value),
        (_, errors) => Err(ApiError::Validation(errors)),
    }
}

/// [`parse_query`] with the operation's own checks (`check`, of the parameters alone):
/// the query and what `check` made of it, or every parameter that does not fit and every
/// one `check` refuses (of the others), at once.
pub fn parse_query_checked<V: DeserializeOwned, W>(
    raw: &str,
    check: impl Fn(&V) -> Result<W, ApiError>,
) -> Result<(V, W), ApiError> {
    match read_query(raw)? {
        (Some(value), errors) if errors.is_empty() => {
            let checked = check(&value)?;
            Ok((value, checked))
        }
        (Some(stand_in), errors) => {
            let mut errors = errors;
            if let Err(ApiError::Validation(more)) = check(&stand_in) {
                for (field, message) in more {
                    if !errors.iter().any(|(named, _)| *named == field) {
                        errors.push((field, message));
                    }
                }
            }
            Err(ApiError::Validation(errors))
        }
        (None, errors) => Err(ApiError::Validation(errors)),
    }
}

/// Fields named with what is wrong with each.
type FieldErrors = Vec<(String, Msg)>;

/// A query read with every parameter that does not fit set aside and named: the rest
/// read (`None` when even that cannot be: a parameter missing), and the names. `Err` for
/// a query that cannot be read at all.
fn read_query<V: DeserializeOwned>(raw: &str) -> Result<(Option<V>, FieldErrors), ApiError> {
    // A `%` not followed by two hex digits, or bytes that are not UTF-8 once decoded: the
    // query cannot be read as sent (it was searched for as typed, and found nothing).
    if !readable_query(raw) {
        return Err(ApiError::BadRequest {
            code: "malformed_request",
            detail: Msg::new(T::ProblemQueryUnreadable),
        });
    }
    // Every parameter that does not fit is named at once: each is set aside as it is
    // found and the rest read again.
    let mut errors: Vec<(String, Msg)> = Vec::new();
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    // No parameter of this API holds a control or direction character (PostgreSQL
    // refuses NUL; a search for one would match nothing or everything).
    pairs.retain(|(key, value)| {
        let problem = if value.chars().any(char::is_control) {
            T::ErrControlChars
        } else if value.chars().any(crate::domain::is_bidi_control) {
            T::ErrBidiChars
        } else {
            return true;
        };
        errors.push((shown_name(key), Msg::new(problem)));
        false
    });
    // A parameter given twice (`status=a&status=b`): named once, with how to give several
    // values.
    let mut seen = std::collections::HashSet::new();
    pairs.retain(|(key, _)| {
        if seen.insert(key.clone()) {
            return true;
        }
        let shown = shown_name(key);
        if !errors.iter().any(|(named, _)| *named == shown) {
            errors.push((shown, Msg::new(T::ErrRepeatedParameter)));
        }
        false
    });
    let said = |errors: Vec<(String, Msg)>, other: ApiError| {
        if errors.is_empty() {
            other
        } else {
            ApiError::Validation(errors)
        }
    };
    // A query names at most a dozen parameters; the bound keeps a hostile one cheap.
    for _ in 0..32 {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        let e = match serde_path_to_error::deserialize::<_, V>(deserializer) {
            Ok(value) => return Ok((Some(value), errors)),
            Err(e) => e,
        };
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // A parameter the operation does not take (`limt=5`, `stauts=`): named, with the
        // ones it takes — not ignored, which answered the whole list unfiltered.
        let (name, problem) = if let Some(rest) = message.strip_prefix("unknown field `")
            && let Some((name, expected)) = rest.split_once('`')
        {
            let takes: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            (
                name.to_owned(),
                Msg::with(T::ErrUnknownParameter, [takes.join(", ")]),
            )
        } else {
            match data_problem(&path, &message) {
                ApiError::Validation(mut found) if !found.is_empty() => found.remove(0),
                other => return Err(said(errors, other)),
            }
        };
        let before = pairs.len();
        pairs.retain(|(key, _)| *key != name);
        let name = shown_name(&name);
        if !errors.iter().any(|(named, _)| *named == name) {
            errors.push((name, problem));
        }
        // Nothing to set aside (a parameter missing): the rest cannot be read past it.
        if pairs.len() == before {
            break;
        }
    }
    Ok((None, errors))
}

/// A parameter's name as sent, said back in a problem: without control or direction
/// characters (what would reach a terminal or a log as a sequence, or turn the text
/// around).
fn shown_name(key: &str) -> String {
    key.chars()
        .filter(|c| !c.is_control() && !crate::domain::is_bidi_control(*c))
        .collect()
}

/// Whether `raw` decodes: every `%` followed by two hex digits, and the bytes UTF-8.
fn readable_query(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(high), Some(low)) => decoded.push((high * 16 + low) as u8),
                    _ => return false,
                }
                i += 3;
            }
            b'&' | b'=' => {
                // Each part is decoded on its own.
                if std::str::from_utf8(&decoded).is_err() {
                    return false;
                }
                decoded.clear();
                i += 1;
            }
            byte => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ApiError) -> Vec<String> {
        match e {
            ApiError::Validation(errors) => errors.into_iter().map(|(f, _)| f).collect(),
            other => panic!("a field problem: {other:?}"),
        }
    }

    #[test]
    fn a_body_nested_past_any_request_is_said_so_whatever_its_depth() {
        #[derive(Debug, serde::Deserialize, serde::Serialize)]
        struct Customer {
            phone: String,
            name: String,
        }
        let nested =
            |levels: usize| format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels));
        // At, just below and far past serde's own limit: one answer, not some fields.
        for levels in [33, 127, 128, 1000] {
            match parse_json_bytes::<Customer>(nested(levels).as_bytes()) {
                Err(ApiError::BadRequest { code, detail }) => {
                    assert_eq!(code, "malformed_request");
                    assert!(detail.render(Lang::En).contains("32 levels"), "{levels}");
                }
                other => panic!("{levels} levels: {other:?}"),
            }
        }
        // Brackets inside a string are text, not nesting; a request's own depth is read.
        let fine = format!(r#"{{"phone":"{}","name":"[[[{{"}}"#, "{".repeat(100));
        assert_eq!(nesting(fine.as_bytes()), 1);
        assert_eq!(nesting(br#"{"orders":[{"mailing":{"street":"a\"]"}}]}"#), 4);
        assert!(
            fields(parse_json_bytes::<Customer>(nested(32).as_bytes()).expect_err("unfit"))
                .contains(&"a".to_owned())
        );
    }

    #[test]
    fn json_is_application_json_in_utf_8() {
        for taken in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/json;charset=\"utf-8\"",
        ] {
            assert!(is_json(taken), "{taken}");
        }
        for refused in [
            "application/merge-patch+json",
            "application/foo+json",
            "application/json; charset=latin1",
            "text/json",
        ] {
            assert!(!is_json(refused), "{refused}");
        }
    }

    #[test]
    fn a_key_given_twice_is_named() {
        let twice = parse_json_bytes::<crate::api::NewCustomer>(
            r#"{"phone": "13900001111", "name": "张三", "name": "李四"}"#.as_bytes(),
        );
        assert_eq!(fields(twice.expect_err("refused")), ["name"]);
        let twice = parse_query::<crate::api::OrderQuery>("limit=1&limit=500");
        assert_eq!(fields(twice.expect_err("refused")), ["limit"]);
    }

    /// A misspelt parameter is named with the ones the operation takes: ignored, it
    /// answered the whole list unfiltered (`limt=5&stauts=completed`).
    #[test]
    fn a_parameter_the_operation_does_not_take_is_named() {
        let refused =
            parse_query::<crate::api::OrderQuery>("stauts=completed").expect_err("refused");
        match refused {
            ApiError::Validation(errors) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].0, "stauts");
                let said = errors[0].1.render(crate::i18n::Lang::En);
                assert!(said.contains("status") && said.contains("limit"), "{said}");
            }
            other => panic!("a field problem: {other:?}"),
        }
        assert!(parse_query::<crate::api::OrderQuery>("status=completed&limit=5").is_ok());
    }

    /// A version sent as text is said to be a whole number, and the other fields are
    /// still read (it hid them all, as "格式不对").
    #[test]
    fn a_version_sent_as_text_hides_no_other_field() {
        let refused = parse_json_bytes::<crate::api::ActionRequest>(
            r#"{"version": "one", "reasons": [5], "zz": 1}"#.as_bytes(),
        )
        .expect_err("refused");
        let ApiError::Validation(errors) = refused else {
            panic!("a field problem: {refused:?}");
        };
        let mut named: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        named.sort_unstable();
        assert_eq!(named, ["reasons[0]", "version", "zz"]);
        let said = errors[0].1.render(crate::i18n::Lang::ZhCn);
        assert!(said.contains("整数"), "{said}");
    }

    /// Every parameter that does not fit is named at once, as a body's fields are: a
    /// misspelt one beside a bad number, one given twice and one with a control
    /// character.
    #[test]
    fn every_bad_parameter_is_named_at_once() {
        let refused = parse_query::<crate::api::OrderQuery>(
            "limit=abc&status=zzz&stauts=x&q=a%00b&status=completed&%1B[31m=1&%1B[2Jx=1&%1B[2Jx=2",
        )
        .expect_err("refused");
        let mut named = fields(refused);
        named.sort();
        assert_eq!(named, ["[2Jx", "[31m", "limit", "q", "status", "stauts"]);
    }

    /// A query whose encoding cannot be read is refused, not searched for as typed.
    #[test]
    fn a_query_that_cannot_be_decoded_is_refused() {
        for raw in ["q=%ZZ", "q=%FF%FE", "q=%E5%BC", "q=abc%2"] {
            assert!(
                matches!(
                    parse_query::<crate::api::OrderQuery>(raw),
                    Err(ApiError::BadRequest {
                        code: "malformed_request",
                        ..
                    })
                ),
                "{raw}"
            );
        }
        for raw in ["q=%E5%BC%A0%E4%B8%89", "q=138+1234", "q=a%25b", ""] {
            assert!(parse_query::<crate::api::OrderQuery>(raw).is_ok(), "{raw}");
        }
    }
}
