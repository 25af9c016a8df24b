//! The catalog file (`ca-counter catalog import FILE.toml`) and the demo catalog of Hunan
//! public-resource-trading and government-procurement platforms.

use std::path::Path;

use serde::Deserialize;

use crate::domain::{Money, UserType};

/// A catalog file: projects, each with its products.
///
/// ```toml
/// [[project]]
/// code = "xiangtan"
/// name = "湘潭市公共资源交易系统"
/// region = "湘潭市"
/// initials = "xtsggzyjyxt"      # optional: pinyin initials for quick search
///
/// [[project.product]]
/// code = "xiangtan-personal-1y"
/// name = "个人证书（1年）"
/// user_type = "individual"       # or "organization"
/// validity_years = 1
/// price = "300.00"               # yuan
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The projects.
    #[serde(rename = "project", default)]
    pub projects: Vec<CatalogProject>,
}

/// A project of a catalog file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogProject {
    /// Stable code; importing again updates the project with this code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// Pinyin initials of the name, lower case.
    #[serde(default)]
    pub initials: String,
    /// Products.
    #[serde(rename = "product", default)]
    pub products: Vec<CatalogProduct>,
}

/// A product of a catalog file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogProduct {
    /// Stable code; importing again updates the product with this code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Who it is for.
    pub user_type: UserType,
    /// Validity in years (1–10).
    pub validity_years: i64,
    /// Price in yuan, e.g. `"300.00"`.
    pub price: String,
}

/// Pinyin initials of a name for quick search: `湘潭市公共资源交易系统` → `xtsggzyjyxt`.
/// Letters and digits are kept (lower case); other characters without a reading are
/// dropped.
pub fn initials(name: &str) -> String {
    use pinyin::ToPinyin;
    // Place names whose first character reads differently there than alone.
    const PLACES: [(&str, &str); 4] = [
        ("长沙", "cs"),
        ("重庆", "cq"),
        ("厦门", "xm"),
        ("蚌埠", "bb"),
    ];
    let mut out = String::new();
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if let Some((word, letters)) = PLACES.iter().find(|(word, _)| rest.starts_with(word)) {
            out.push_str(letters);
            rest = &rest[word.len()..];
            continue;
        }
        match c.to_pinyin() {
            Some(reading) => out.push_str(reading.first_letter()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A catalog that cannot be imported, with what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CatalogError(pub String);

impl Catalog {
    /// Reads and checks a catalog file.
    pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CatalogError(format!("cannot read {}: {e}", path.display())))?;
        let catalog: Catalog =
            toml::from_str(&text).map_err(|e| CatalogError(format!("{}: {e}", path.display())))?;
        catalog.check()?;
        Ok(catalog)
    }

    /// Checks codes are unique and every value is usable.
    pub fn check(&self) -> Result<(), CatalogError> {
        let mut codes = std::collections::HashSet::new();
        for project in &self.projects {
            if project.code.trim().is_empty() || project.name.trim().is_empty() {
                return Err(CatalogError("a project has an empty code or name".into()));
            }
            if !codes.insert(format!("project:{}", project.code)) {
                return Err(CatalogError(format!(
                    "project code {} appears twice",
                    project.code
                )));
            }
            for product in &project.products {
                if !codes.insert(format!("product:{}", product.code)) {
                    return Err(CatalogError(format!(
                        "product code {} appears twice",
                        product.code
                    )));
                }
                if !(1..=10).contains(&product.validity_years) {
                    return Err(CatalogError(format!(
                        "product {}: validity_years must be 1–10, not {}",
                        product.code, product.validity_years
                    )));
                }
                product.price_fen()?;
            }
        }
        Ok(())
    }
}

impl CatalogProduct {
    /// The price in fen: at least a fen (a certificate given away is not sold through a
    /// cashier; Alipay takes nothing under ¥0.01).
    pub fn price_fen(&self) -> Result<i64, CatalogError> {
        let fen = Money::parse_yuan(&self.price)
            .map(Money::fen)
            .map_err(|e| {
                CatalogError(format!(
                    "product {}: price {:?}: {e}",
                    self.code, self.price
                ))
            })?;
        if fen < 1 {
            return Err(CatalogError(format!(
                "product {}: price {:?}: a price is at least 0.01 (yuan)",
                self.code, self.price
            )));
        }
        Ok(fen)
    }
}

/// The demo catalog: the provincial platforms and every prefecture-level city of Hunan,
/// each selling personal and organisation certificates for one and three years.
pub fn demo_catalog() -> Catalog {
    const PROJECTS: &[(&str, &str, &str, &str)] = &[
        (
            "hunan-ggzy",
            "湖南省公共资源交易中心",
            "湖南省",
            "hnsggzyjyzx",
        ),
        ("hunan-zfcg", "湖南省政府采购网", "湖南省", "hnszfcgw"),
        (
            "hunan-zfcg-mall",
            "湖南省政府采购电子卖场",
            "湖南省",
            "hnszfcgdzmc",
        ),
        (
            "changsha-ggzy",
            "长沙市公共资源交易中心",
            "长沙市",
            "cssggzyjyzx",
        ),
        (
            "zhuzhou-ggzy",
            "株洲市公共资源交易中心",
            "株洲市",
            "zzsggzyjyzx",
        ),
        (
            "xiangtan-ggzy",
            "湘潭市公共资源交易系统",
            "湘潭市",
            "xtsggzyjyxt",
        ),
        (
            "hengyang-ggzy",
            "衡阳市公共资源交易中心",
            "衡阳市",
            "hysggzyjyzx",
        ),
        (
            "shaoyang-ggzy",
            "邵阳市公共资源交易中心",
            "邵阳市",
            "sysggzyjyzx",
        ),
        (
            "yueyang-ggzy",
            "岳阳市公共资源交易中心",
            "岳阳市",
            "yysggzyjyzx",
        ),
        (
            "changde-ggzy",
            "常德市公共资源交易中心",
            "常德市",
            "cdsggzyjyzx",
        ),
        (
            "zhangjiajie-ggzy",
            "张家界市公共资源交易中心",
            "张家界市",
            "zjjsggzyjyzx",
        ),
        (
            "yiyang-ggzy",
            "益阳市公共资源交易中心",
            "益阳市",
            "yysggzyjyzx",
        ),
        (
            "chenzhou-ggzy",
            "郴州市公共资源交易中心",
            "郴州市",
            "czsggzyjyzx",
        ),
        (
            "yongzhou-ggzy",
            "永州市公共资源交易中心",
            "永州市",
            "yzsggzyjyzx",
        ),
        (
            "huaihua-ggzy",
            "怀化市公共资源交易中心",
            "怀化市",
            "hhsggzyjyzx",
        ),
        (
            "loudi-ggzy",
            "娄底市公共资源交易中心",
            "娄底市",
            "ldsggzyjyzx",
        ),
        (
            "xiangxi-ggzy",
            "湘西土家族苗族自治州公共资源交易中心",
            "湘西州",
            "xxtjzmzzzzggzyjyzx",
        ),
    ];
    // (suffix, name, user type, years, price in yuan)
    const PRODUCTS: &[(&str, &str, UserType, i64, &str)] = &[
        (
            "personal-1y",
            "个人证书（1年）",
            UserType::Individual,
            1,
            "200.00",
        ),
        (
            "personal-3y",
            "个人证书（3年）",
            UserType::Individual,
            3,
            "500.00",
        ),
        (
            "org-1y",
            "机构证书（1年）",
            UserType::Organization,
            1,
            "400.00",
        ),
        (
            "org-2y",
            "机构证书（2年）",
            UserType::Organization,
            2,
            "700.00",
        ),
        (
            "org-3y",
            "机构证书（3年）",
            UserType::Organization,
            3,
            "1000.00",
        ),
    ];
    Catalog {
        projects: PROJECTS
            .iter()
            .map(|(code, name, region, initials)| CatalogProject {
                code: (*code).into(),
                name: (*name).into(),
                region: (*region).into(),
                initials: (*initials).into(),
                products: PRODUCTS
                    .iter()
                    .map(
                        |(suffix, product, user_type, years, price)| CatalogProduct {
                            code: format!("{code}-{suffix}"),
                            name: (*product).into(),
                            user_type: *user_type,
                            validity_years: *years,
                            price: (*price).into(),
                        },
                    )
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_covers_hunan_and_is_valid() {
        let demo = demo_catalog();
        assert!(demo.projects.len() >= 15);
        assert!(demo.check().is_ok());
        assert!(
            demo.projects
                .iter()
                .any(|p| p.name == "湘潭市公共资源交易系统")
        );
        for project in &demo.projects {
            assert!(
                project
                    .products
                    .iter()
                    .any(|p| p.user_type == UserType::Individual)
            );
            assert!(
                project
                    .products
                    .iter()
                    .any(|p| p.user_type == UserType::Organization)
            );
        }
    }

    #[test]
    fn initials_come_from_the_pinyin_of_the_name() {
        assert_eq!(initials("湘潭市公共资源交易系统"), "xtsggzyjyxt");
        assert_eq!(initials("长沙市公共资源交易中心"), "cssggzyjyzx");
        assert_eq!(initials("湖南CA（2026）"), "hnca2026");
        for project in demo_catalog().projects {
            assert_eq!(
                initials(&project.name),
                project.initials,
                "{}",
                project.name
            );
        }
    }

    #[test]
    fn a_catalog_file_with_a_bad_price_is_refused_with_the_product_named() {
        let text = "[[project]]\ncode='p'\nname='P'\nregion='R'\n[[project.product]]\ncode='x'\nname='X'\nuser_type='individual'\nvalidity_years=1\nprice='abc'\n";
        let catalog: Result<Catalog, _> = toml::from_str(text);
        let error = catalog
            .map(|c| c.check())
            .ok()
            .and_then(Result::err)
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(error.contains("product x"), "{error}");
        let free: Result<Catalog, _> = toml::from_str(&text.replace("'abc'", "'0'"));
        let error = free
            .map(|c| c.check())
            .ok()
            .and_then(Result::err)
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(error.contains("at least 0.01"), "{error}");
    }
}
