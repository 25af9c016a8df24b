//! The catalog of projects and products.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::Project;
use crate::domain::{Lines, Permission, human_text};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{ApiQuery, Caller};

/// `?q=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    /// Part of a project's name, region or code, or its pinyin initials (`xt` finds
    /// 湘潭…); empty lists all. Not an order search: order numbers find nothing here.
    #[serde(default)]
    #[param(value_type = crate::api::schemas::SearchParam, inline)]
    q: String,
}

/// Projects matching `q`, most used first, with their products.
#[utoipa::path(get, path = "/api/v1/projects", params(ProjectQuery), responses((status = 200, body = [Project])))]
pub async fn projects(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ProjectQuery>,
) -> Result<Json<Vec<Project>>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let q = human_text(&query.q, Lines::One, 100).map_err(|e| ApiError::field("q", e))?;
    Ok(Json(state.store.search_projects(&q).await?))
}
