//! Extractors: the authenticated caller, JSON bodies with per-field errors, and query
//! strings and paths whose rejections are problem documents.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::{ApiError, RequestContext};
use super::store::{Actor, Operator};
use crate::domain::Permission;
use crate::i18n::{Lang, Msg, T};

/// The operator making the request, with the request's language and id.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub operator: Operator,
    /// Language and request id.
    pub ctx: RequestContext,
}

impl Caller {
    /// `Ok` when one of the caller's roles grants `permission`, else a 403.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.operator.roles.permits(permission) {
            Ok(())
        } else {
            Err(self.forbidden())
        }
    }

    /// The 403 for this caller, naming their roles.
    pub fn forbidden(&self) -> ApiError {
        let roles: Vec<&str> = self
            .operator
            .roles
            .roles()
            .iter()
            .map(|r| r.as_str())
            .collect();
        ApiError::Forbidden {
            code: "forbidden",
            detail: Msg::with(T::ProblemForbiddenDetail, [roles.join(",")]),
        }
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
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let operator = state
            .store
            .authenticate(token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Caller {
            operator,
            ctx: context(parts),
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(context(parts))
    }
}

/// A JSON body; a value of the wrong type is reported against its field.
#[derive(Debug, Clone)]
pub struct ApiJson<V>(pub V);

impl<V: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<V> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| bad_request(&e.body_text()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the field whose value has the wrong type or shape.
pub fn parse_json<V: DeserializeOwned>(bytes: &[u8]) -> Result<V, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            bad_request(&inner.to_string())
        } else {
            ApiError::field(&path, Msg::with(T::ErrInvalidValue, [inner.to_string()]))
        }
    })
}

fn bad_request(detail: &str) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_request",
        detail: Msg::with(T::ErrInvalidValue, [detail]),
    }
}

/// A query string; a bad one is a problem document.
#[derive(Debug, Clone)]
pub struct ApiQuery<V>(pub V);

impl<V: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<V> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<V>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| bad_request(&e.body_text()))
    }
}
