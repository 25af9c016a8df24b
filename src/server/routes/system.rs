//! Health, the caller, and the transition table.

use axum::Json;
use axum::extract::State;

use crate::api::{Health, Me, Problem, Readiness, TransitionInfo};
use crate::domain::{Permission, TRANSITIONS};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::Caller;
use crate::server::store::Trouble;

/// Whether the platform answers, and on which database.
#[utoipa::path(get, path = "/api/v1/health", security(()), responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.store.backend().as_str().into(),
        max_upload_bytes: state.config.max_upload_bytes as u64,
        public_base_url: state.public_base.to_string(),
        qr_payment: state.payments.is_some(),
        demo_parts: state.demo.list(),
        seller_tax_number: state.config.invoice.seller_tax_number.clone(),
    })
}

/// Readiness: the database answers and a write goes through (a load balancer sends
/// clients elsewhere while this is not 200: 503 with the database away, 507 with its disk
/// full). `/health` says only that the process answers.
#[utoipa::path(get, path = "/api/v1/health/ready", security(()),
    responses(
        (status = 200, body = Readiness),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "the database is away or overloaded"),
        (status = 507, body = Problem, content_type = "application/problem+json", description = "the database's disk is full: nothing can be written"),
    ))]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    match state.store.probe(std::time::Duration::from_secs(3)).await {
        Ok(()) => Ok(Json(Readiness {
            ready: true,
            database: state.store.backend().as_str().into(),
        })),
        Err(Trouble::StorageFull) => Err(ApiError::StorageFull),
        Err(_) => Err(ApiError::Unavailable),
    }
}

/// The operator the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me)))]
pub async fn me(caller: Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(Me {
        may_reveal: caller.operator.roles.permits(Permission::RevealContact),
        may_reveal_id_number: caller
            .operator
            .roles
            .permits(Permission::RevealPersonalData),
        id: caller.operator.id,
        name: caller.operator.name,
        roles: caller.operator.roles.roles().to_vec(),
    }))
}

/// The order transition table, as the platform enforces it.
#[utoipa::path(get, path = "/api/v1/transitions", responses((status = 200, body = [TransitionInfo])))]
pub async fn transitions(_caller: Caller) -> Json<Vec<TransitionInfo>> {
    Json(
        TRANSITIONS
            .iter()
            .map(|(action, from, to)| TransitionInfo {
                action: *action,
                from: *from,
                to: *to,
                needs: action.needs(),
            })
            .collect(),
    )
}
