//! The OpenAPI document: generated from the handlers' annotations, then completed here in
//! one place with what is true of every operation — the problem answers each kind of
//! operation can give (RFC 9457, `application/problem+json`), and the shape of the path
//! parameters and headers the platform checks — so a generated client knows them all.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::api::schemas;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ca-counter platform API",
        description = "The contract between the ca-counter TUI and its platform. Errors are \
            application/problem+json (RFC 9457) with a stable `code` and, for bad input, one \
            message per field; messages follow Accept-Language (zh-CN default, en). Every route \
            but health, the Alipay notification and this document needs `Authorization: Bearer`.",
    ),
    // The event stream's payloads, which no route body names (`GET /api/v1/events`).
    components(schemas(crate::api::EventHello, crate::api::OrderEvent, crate::api::RealnameEvent)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub(super) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// What each problem status means, for the description of its answer.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "400",
        "The request could not be read (malformed JSON, query or form)",
    ),
    ("401", "No valid bearer token"),
    ("403", "The operator's roles do not allow this"),
    ("404", "Nothing by that number or id"),
    (
        "409",
        "The order is not in a state that allows this; `current_status` and `current_version` say where it is",
    ),
    ("413", "The body is over the upload limit"),
    (
        "415",
        "The body is not of a type this operation takes (JSON: `application/json`; an upload: JPEG, PNG or PDF; a form: `application/x-www-form-urlencoded`)",
    ),
    (
        "422",
        "Bad input: `errors` names each field and what is wrong with it (a query parameter the operation does not take, by its name)",
    ),
    (
        "428",
        "The order version is needed (`version` in the body or `If-Match`)",
    ),
    (
        "500",
        "A failure of the platform; `request_id` finds it in the log",
    ),
    (
        "503",
        "The database is unreachable or busy; retry after `Retry-After` seconds",
    ),
];

/// Completes every operation of `openapi` with its problem answers and the shapes of its
/// path parameters and headers.
pub(super) fn complete(openapi: &mut utoipa::openapi::OpenApi) {
    // Posts that take no body as an empty one (every field of theirs optional): their
    // body is not required, as generated clients must know.
    for path in OPTIONAL_BODIES {
        if let Some(body) = openapi
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.post.as_mut())
            .and_then(|post| post.request_body.as_mut())
        {
            body.required = Some(utoipa::openapi::Required::False);
        }
    }
    for item in openapi.paths.paths.values_mut() {
        for operation in operations(item) {
            shape_parameters(operation);
            add_problems(operation);
        }
        // A read refuses a query parameter it does not take (422), with or without any.
        if let Some(get) = item.get.as_mut() {
            add_status(get, "422");
        }
    }
    let bodies = json_body_schemas(openapi);
    if let Some(components) = openapi.components.as_mut() {
        for schema in components.schemas.values_mut() {
            no_null_default_when_required(schema);
        }
        // A JSON body's field the platform does not take is refused (422 names it), at any
        // depth: the document says so, or a client would think extra fields harmless.
        for name in &bodies {
            if let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(object))) =
                components.schemas.get_mut(name)
                && !object.properties.is_empty()
                && object.additional_properties.is_none()
            {
                object.additional_properties = Some(Box::new(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ));
            }
        }
        // Every code a problem may carry, listed where its field is described.
        if let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(problem))) =
            components.schemas.get_mut("Problem")
            && let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(code))) =
                problem.properties.get_mut("code")
        {
            code.description = Some(crate::server::error::problem_codes_described());
        }
    }
}

/// The component schemas a JSON request body is made of: those the bodies name, and
/// every schema those name in turn.
fn json_body_schemas(openapi: &utoipa::openapi::OpenApi) -> std::collections::BTreeSet<String> {
    fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("$ref", serde_json::Value::String(target)) => {
                            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                                out.push(name.to_owned());
                            }
                        }
                        _ => refs(value, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut waiting = Vec::new();
    for item in openapi.paths.paths.values() {
        for operation in [&item.post, &item.put, &item.patch, &item.delete]
            .into_iter()
            .flatten()
        {
            let Some(body) = &operation.request_body else {
                continue;
            };
            if let Some(content) = body.content.get("application/json")
                && let Ok(schema) = serde_json::to_value(&content.schema)
            {
                refs(&schema, &mut waiting);
            }
        }
    }
    let schemas = openapi.components.as_ref().map(|c| &c.schemas);
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = waiting.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.and_then(|s| s.get(&name))
            && let Ok(value) = serde_json::to_value(schema)
        {
            refs(&value, &mut waiting);
        }
    }
    seen
}

/// The posts whose handlers read no body as an empty one, and need nothing else: a claim.
/// (An action and issuing an invoice take no body too when the version comes as
/// `If-Match`; without either they answer 428, so their body stays documented as
/// required — a client sending none is one that knows `If-Match`.)
const OPTIONAL_BODIES: [&str; 1] = ["/api/v1/orders/{order_no}/claim"];

/// A field a body must carry has no default; one that serde fills when it is left out
/// (`#[serde(default)]`, an `Option`) is written `"default": null`, which a string's
/// schema cannot hold, and which validators of the document refuse.
fn no_null_default_when_required(schema: &mut RefOr<utoipa::openapi::schema::Schema>) {
    let RefOr::T(utoipa::openapi::schema::Schema::Object(object)) = schema else {
        return;
    };
    for (name, property) in object.properties.iter_mut() {
        if let RefOr::T(utoipa::openapi::schema::Schema::Object(field)) = property
            && field.default == Some(serde_json::Value::Null)
            && object.required.contains(name)
        {
            field.default = None;
        }
    }
}

/// The query parameters each operation takes, by method and path template (as the router
/// matched it): what the document says, and so all the platform reads.
pub(super) type QueryParameters = std::collections::HashMap<(axum::http::Method, String), Takes>;

/// What one operation takes in its query string.
pub(super) struct Takes {
    /// The parameters' names.
    pub names: Vec<String>,
    /// Answered without a token (health, this document): no 401 to come first.
    pub public: bool,
}

/// [`QueryParameters`] of the document.
pub(super) fn query_parameters(openapi: &utoipa::openapi::OpenApi) -> QueryParameters {
    use axum::http::Method;
    let mut takes = QueryParameters::new();
    for (path, item) in &openapi.paths.paths {
        for (method, operation) in [
            (Method::GET, &item.get),
            (Method::PUT, &item.put),
            (Method::POST, &item.post),
            (Method::DELETE, &item.delete),
            (Method::PATCH, &item.patch),
        ] {
            let Some(operation) = operation else { continue };
            let names = item
                .parameters
                .iter()
                .chain(&operation.parameters)
                .flatten()
                .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
                .map(|p| p.name.clone())
                .collect();
            let public = operation
                .security
                .as_ref()
                .is_some_and(|s| s.iter().all(|r| r == &Default::default()));
            takes.insert((method, path.clone()), Takes { names, public });
        }
    }
    takes
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Path parameters and headers get the pattern the platform checks them by.
fn shape_parameters(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        let schema = match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, "order_no") => Some(schemas::order_no()),
            (ParameterIn::Path, "id") => Some(schemas::id()),
            (ParameterIn::Header, "Idempotency-Key") => Some(schemas::idempotency_key()),
            (ParameterIn::Header, "If-Match") => Some(schemas::if_match()),
            (ParameterIn::Path, "action") => Some(posted_actions()),
            (ParameterIn::Header, "Last-Event-ID") => Some(schemas::event_id()),
            _ => None,
        };
        if let Some(schema) = schema {
            parameter.schema = Some(RefOr::T(schema.into()));
        }
        // Said once for every operation that names them in its path or headers.
        let said = match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, "order_no") => Some("The order's number (`HN…`)"),
            (ParameterIn::Path, "id") => Some("The record's id, as a list or an order gave it"),
            (ParameterIn::Path, "action") => Some(
                "The action to take (`GET /api/v1/transitions` says from which statuses, and \
                 what each needs)",
            ),
            (ParameterIn::Header, "If-Match") => Some(
                "The order's `ETag` as last read, in place of `version` in the body (a stale \
                 one is `409`)",
            ),
            _ => None,
        };
        if let (None, Some(said)) = (&parameter.description, said) {
            parameter.description = Some(said.to_owned());
        }
    }
}

/// The actions a caller may post: not `pay` (only the payment provider's confirmation
/// pays an order) nor `issue_invoice` (an invoice is issued through
/// `POST /api/v1/orders/{order_no}/invoice`, which makes it with its PDF).
fn posted_actions() -> utoipa::openapi::schema::Object {
    use crate::domain::Action;
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(
            Action::ALL
                .into_iter()
                .filter(|a| !matches!(a, Action::Pay | Action::IssueInvoice))
                .map(Action::as_str),
        ))
        .build()
}

/// The problem answers an operation can give, by what it takes: every operation can fail
/// inside (500) or find the database away (503); those that need a token can be refused it
/// (401, 403); a path parameter names something that may not exist (404); input can be
/// unreadable (400) or wrong (422); a body can be too large (413); an upload can be of the
/// wrong type, a JSON body sent as another (415); an action can need the version (428) and find the order moved on (409).
fn add_problems(operation: &mut Operation) {
    let public = operation
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| r == &Default::default()));
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path = parameters
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_input = !parameters.is_empty() || operation.request_body.is_some();
    let has_if_match = parameters.iter().any(|p| p.name == "If-Match");
    let multipart = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("multipart/form-data"));
    let form = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/x-www-form-urlencoded"));
    let json = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let mut statuses = vec!["500", "503"];
    if !public {
        statuses.extend(["401", "403"]);
    }
    if has_path {
        statuses.push("404");
    }
    if has_input {
        statuses.extend(["400", "422"]);
    }
    if operation.request_body.is_some() {
        statuses.push("413");
    }
    if multipart || form || json {
        statuses.push("415");
    }
    if has_if_match {
        statuses.extend(["409", "428"]);
    }
    for status in statuses {
        add_status(operation, status);
    }
    // An answer a handler declared without words gets the words its status has.
    for (status, response) in operation.responses.responses.iter_mut() {
        if let RefOr::T(response) = response
            && response.description.trim().is_empty()
        {
            response.description = status_words(status).to_owned();
        }
    }
}

/// What an answer of `status` means, where its operation says no more.
fn status_words(status: &str) -> &'static str {
    match status {
        "200" => "Done: the answer is below",
        "201" => "Made: the answer is what was made",
        "202" => "Taken: it goes on in the background, and the answer says how it stands",
        "204" => "Done: nothing to answer",
        _ => PROBLEMS
            .iter()
            .find(|(s, _)| *s == status)
            .map_or("A problem: `detail` says what", |(_, d)| *d),
    }
}

/// The problem answer `status` on `operation`, unless it has its own.
fn add_status(operation: &mut Operation, status: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(status_words(status))
        .content(
            crate::server::error::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .insert(status.to_owned(), RefOr::T(response));
}
