//! Projects and their products.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::UserType;

/// A certificate product of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    /// Product id.
    pub id: String,
    /// Stable code from the catalog.
    pub code: String,
    /// Name, e.g. 个人证书（1年）.
    pub name: String,
    /// Who the certificate is for.
    pub user_type: UserType,
    /// Validity in years.
    pub validity_years: i64,
    /// Price in fen.
    pub price_fen: i64,
}

/// A platform the certificate is used to log in to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Project id.
    pub id: String,
    /// Stable code from the catalog.
    pub code: String,
    /// Name, e.g. 湘潭市公共资源交易系统.
    pub name: String,
    /// Region, e.g. 湘潭市.
    pub region: String,
    /// Pinyin initials of the name, for quick search (`xt…`).
    pub initials: String,
    /// The products on sale, cheapest first.
    pub products: Vec<Product>,
}
