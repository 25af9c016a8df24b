//! The contract as a generated client reads it: the served `openapi.json` (nothing written
//! here by hand) declares each parameter where it travels, marks what is required, gives
//! every body a schema, and documents the problem answers each operation can give.

use serde_json::Value;

use crate::common::{Db, TestApp};

/// Every `(method, path, operation)` of the served document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            out.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    out
}

fn parameters(operation: &Value) -> Vec<Value> {
    operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_served_contract_is_one_a_generated_client_can_use() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let all = operations(&doc);
    assert!(all.len() >= 40, "{} operations", all.len());
    // A JSON body's unknown field is refused (422): the bodies and what they hold say
    // `additionalProperties: false`; an answer's shape leaves room for new fields.
    let schema = |name: &str| &doc["components"]["schemas"][name];
    for body in ["NewOrder", "MailingAddress", "ActionRequest", "NewNote"] {
        assert_eq!(
            schema(body)["additionalProperties"],
            false,
            "{body}: {}",
            schema(body)
        );
    }
    assert!(schema("Order")["additionalProperties"].is_null());
    // Each operation's id is its own: a generator names a method by it.
    let mut ids = std::collections::BTreeMap::new();
    for (method, path, operation) in &all {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{method} {path}: no operationId");
        if let Some(other) = ids.insert(id.to_owned(), format!("{method} {path}")) {
            panic!("operationId {id} is both {other} and {method} {path}");
        }
    }
    for (method, path, operation) in &all {
        let what = format!("{} {path}", method.to_uppercase());
        for parameter in parameters(operation) {
            let name = parameter["name"].as_str().unwrap_or_default();
            if parameter["in"] == "path" {
                assert!(
                    path.contains(&format!("{{{name}}}")),
                    "{what}: {name} is declared in the path but is not in it"
                );
                assert_eq!(parameter["required"], true, "{what}: path parameter {name}");
            }
            assert!(
                parameter["schema"].is_object(),
                "{what}: {name} has no schema"
            );
            // What it means, for the client generated from it (a parameter whose schema
            // was given by a function lost its doc: `from`, `q` said nothing).
            assert!(
                parameter["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty()),
                "{what}: {name} has no description"
            );
        }
        let public = operation["security"].as_array().is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        let responses = operation["responses"].as_object().expect("responses");
        // Every answer says what it is (60 said nothing).
        for (status, response) in responses {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty()),
                "{what}: {status} has no description"
            );
        }
        let documented = |status: &str| responses.contains_key(status);
        for status in ["500", "503"] {
            assert!(documented(status), "{what}: {status} undocumented");
        }
        if !public {
            assert!(documented("401") && documented("403"), "{what}: 401/403");
        }
        if path.contains('{') {
            assert!(documented("404"), "{what}: 404");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "422"] {
                assert!(documented(status), "{what}: {status} undocumented");
            }
            let content = operation["requestBody"]["content"]
                .as_object()
                .expect("content");
            for (media, body) in content {
                assert!(
                    body["schema"].is_object(),
                    "{what}: {media} body has no schema"
                );
            }
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{what}: {status} is not a problem document"
                );
            }
        }
    }
    // The query parameters of the order list travel in the query.
    let list = &doc["paths"]["/api/v1/orders"]["get"];
    let names: Vec<(String, String)> = parameters(list)
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["in"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for name in [
        "q", "status", "project", "from", "to", "sort", "cursor", "limit",
    ] {
        assert!(
            names.contains(&(name.to_owned(), "query".to_owned())),
            "{name} in the query: {names:?}"
        );
    }
    // Required inputs say so.
    let create = &doc["paths"]["/api/v1/orders"]["post"];
    let key = parameters(create)
        .into_iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .expect("Idempotency-Key");
    assert_eq!(
        (key["in"].as_str(), key["required"].as_bool()),
        (Some("header"), Some(true))
    );
    let schemas = &doc["components"]["schemas"];
    let required = |schema: &str| -> Vec<String> {
        schemas[schema]["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(required("ActionRequest").contains(&"version".to_owned()));
    // The event stream's payloads are described, for a client that follows it.
    for (schema, field) in [
        ("EventHello", "last_event_id"),
        ("OrderEvent", "order_no"),
        ("RealnameEvent", "session_id"),
    ] {
        assert!(
            required(schema).contains(&field.to_owned()),
            "{schema}.{field}"
        );
    }
    assert!(required("IssueInvoice").contains(&"version".to_owned()));
    for field in ["customer_id", "product_id", "applicant", "mailing"] {
        assert!(
            required("NewOrder").contains(&field.to_owned()),
            "NewOrder.{field}"
        );
    }
    // Names carry the text rule, and the invoice request is a described object.
    let name = &schemas["Applicant"]["properties"]["name"];
    assert_eq!(name["minLength"], 1);
    assert!(
        name["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("\\u0000-\\u001F"))
    );
    let invoice_request = &schemas["InvoiceRequestInput"];
    assert!(
        invoice_request["properties"]["buyer_name"].is_object(),
        "{invoice_request}"
    );
    app.finish().await;
}
