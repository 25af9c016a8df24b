//! Projects and products.

use std::collections::HashMap;

use super::{Store, StoreResult, new_id};
use crate::api::{Product, Project};
use crate::domain::UserType;
use crate::server::catalog::{Catalog, CatalogError, initials};

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogCounts {
    /// Projects added or updated.
    pub projects: usize,
    /// Products added or updated.
    pub products: usize,
}

/// A product with its project's name, as orders need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    /// Product id.
    pub id: String,
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Product name.
    pub name: String,
    /// `individual` or `organization`.
    pub user_type: String,
    /// Years.
    pub validity_years: i64,
    /// Price in fen.
    pub price_fen: i64,
}

#[derive(sqlx::FromRow)]
struct ProjectRecord {
    id: String,
    code: String,
    name: String,
    region: String,
    initials: String,
}

#[derive(sqlx::FromRow)]
struct ProductRecord {
    id: String,
    project_id: String,
    code: String,
    name: String,
    user_type: String,
    validity_years: i64,
    price_fen: i64,
}

impl Store {
    /// True when the catalog has no project yet.
    pub async fn catalog_is_empty(&self) -> StoreResult<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
            .fetch_one(&self.pool)
            .await?;
        Ok(count == 0)
    }

    /// Adds or updates (by code) every project and product of `catalog`, in one
    /// transaction; with `replace`, every project and product not in it is withdrawn from
    /// sale (kept, for the orders that name it).
    pub async fn import_catalog(
        &self,
        catalog: &Catalog,
        replace: bool,
    ) -> StoreResult<Result<CatalogCounts, CatalogError>> {
        if let Err(e) = catalog.check() {
            return Ok(Err(e));
        }
        let mut counts = CatalogCounts::default();
        let mut tx = self.begin_write().await?;
        if replace {
            // All withdrawn, then those in the file put back on sale below.
            sqlx::query("UPDATE products SET active = 0")
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE projects SET active = 0")
                .execute(&mut *tx)
                .await?;
        }
        for (order, project) in catalog.projects.iter().enumerate() {
            let project_id: String = sqlx::query_scalar(
                "INSERT INTO projects (id, code, name, region, initials, sort_order, active) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, region = excluded.region, \
                 initials = excluded.initials, sort_order = excluded.sort_order, active = 1 \
                 RETURNING id",
            )
            .bind(new_id())
            .bind(project.code.trim())
            .bind(project.name.trim())
            .bind(project.region.trim())
            .bind(match project.initials.trim() {
                "" => initials(&project.name),
                given => given.to_lowercase(),
            })
            .bind(order as i64)
            .fetch_one(&mut *tx)
            .await?;
            counts.projects += 1;
            for product in &project.products {
                let price = match product.price_fen() {
                    Ok(price) => price,
                    Err(e) => return Ok(Err(e)),
                };
                sqlx::query(
                    "INSERT INTO products (id, project_id, code, name, user_type, validity_years, price_fen, active) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
                     ON CONFLICT (code) DO UPDATE SET project_id = excluded.project_id, name = excluded.name, \
                     user_type = excluded.user_type, validity_years = excluded.validity_years, \
                     price_fen = excluded.price_fen, active = 1",
                )
                .bind(new_id())
                .bind(&project_id)
                .bind(product.code.trim())
                .bind(product.name.trim())
                .bind(product.user_type.as_str())
                .bind(product.validity_years)
                .bind(price)
                .execute(&mut *tx)
                .await?;
                counts.products += 1;
            }
        }
        tx.commit().await?;
        Ok(Ok(counts))
    }

    /// How many products on sale are the demo catalog's (example projects and prices).
    pub async fn demo_products_on_sale(&self) -> StoreResult<usize> {
        let on_sale: Vec<String> = sqlx::query_scalar("SELECT code FROM products WHERE active = 1")
            .fetch_all(&self.pool)
            .await?;
        let demo: std::collections::HashSet<String> = crate::server::catalog::demo_catalog()
            .projects
            .into_iter()
            .flat_map(|p| p.products)
            .map(|p| p.code)
            .collect();
        Ok(on_sale.iter().filter(|code| demo.contains(*code)).count())
    }

    /// Active projects whose name, region, code or pinyin initials contain `query` (all when
    /// empty): those whose name or initials start with it first, then the most-ordered,
    /// then catalog order; each with its active products.
    pub async fn search_projects(&self, query: &str) -> StoreResult<Vec<Project>> {
        // As a phone keyboard types it: `ｘｔ` is xt, `湘 潭` is 湘潭.
        let query = crate::domain::name_as_searched(&crate::domain::ascii_alphanumerics(query));
        let escaped = escape_like(&query);
        let pattern = format!("%{escaped}%");
        let prefix = format!("{escaped}%");
        let projects: Vec<ProjectRecord> = sqlx::query_as(
            "SELECT p.id, p.code, p.name, p.region, p.initials FROM projects p \
             WHERE p.active = 1 AND (LOWER(p.name) LIKE $1 ESCAPE '!' OR LOWER(p.region) LIKE $1 ESCAPE '!' \
             OR LOWER(p.code) LIKE $1 ESCAPE '!' OR p.initials LIKE $1 ESCAPE '!') \
             ORDER BY CASE WHEN p.initials LIKE $2 ESCAPE '!' OR LOWER(p.name) LIKE $2 ESCAPE '!' THEN 0 ELSE 1 END, \
             (SELECT COUNT(*) FROM orders o WHERE o.project_id = p.id) DESC, p.sort_order, p.name",
        )
        .bind(&pattern)
        .bind(&prefix)
        .fetch_all(&self.pool)
        .await?;
        let products: Vec<ProductRecord> = sqlx::query_as(
            "SELECT id, project_id, code, name, user_type, validity_years, price_fen FROM products \
             WHERE active = 1 ORDER BY price_fen, code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_project: HashMap<String, Vec<Product>> = HashMap::new();
        for p in products {
            let Some(user_type) = UserType::parse(&p.user_type) else {
                continue;
            };
            by_project.entry(p.project_id).or_default().push(Product {
                id: p.id,
                code: p.code,
                name: p.name,
                user_type,
                validity_years: p.validity_years,
                price_fen: p.price_fen,
            });
        }
        Ok(projects
            .into_iter()
            .map(|p| Project {
                products: by_project.remove(&p.id).unwrap_or_default(),
                id: p.id,
                code: p.code,
                name: p.name,
                region: p.region,
                initials: p.initials,
            })
            .collect())
    }

    /// Whether a project of this id is in the catalog, active or not (orders of a project
    /// taken off sale are still its orders).
    pub async fn project_exists(&self, id: &str) -> StoreResult<bool> {
        Ok(sqlx::query("SELECT 1 FROM projects WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// An active product with its project's name.
    pub async fn product(&self, id: &str) -> StoreResult<Option<ProductRow>> {
        Ok(
            sqlx::query_as(&format!("{PRODUCTS_ON_SALE} AND pr.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// The products on sale (active, of an active project) as [`ProductRow`]s; a query may
/// add conditions with `AND`.
pub(super) const PRODUCTS_ON_SALE: &str = "SELECT pr.id, pr.project_id, pj.name AS project_name, \
    pr.name, pr.user_type, pr.validity_years, pr.price_fen \
    FROM products pr JOIN projects pj ON pj.id = pr.project_id \
    WHERE pr.active = 1 AND pj.active = 1";

/// Escapes `%`, `_` and `!` for a `LIKE … ESCAPE '!'` pattern (a backslash escape
/// would depend on PostgreSQL's `standard_conforming_strings`).
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}
