//! Statements built in pieces: parameters numbered `$1…` as they are added, so pieces
//! written once can run as statements of their own (each with its own [`Params`]) or be
//! joined into one statement (sharing one).

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};

/// Binds every value of a `Vec<Bind>` to a sqlx query of any kind.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(n) => query.bind(n),
                Bind::Null => query.bind(None::<String>),
            };
        }
        query
    }};
}

/// A parameter's value.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    Text(String),
    Int(i64),
    /// SQL `NULL` (as text).
    Null,
}

impl From<&str> for Bind {
    fn from(text: &str) -> Bind {
        Bind::Text(text.to_owned())
    }
}

impl From<String> for Bind {
    fn from(text: String) -> Bind {
        Bind::Text(text)
    }
}

impl From<&String> for Bind {
    fn from(text: &String) -> Bind {
        Bind::Text(text.clone())
    }
}

impl From<i64> for Bind {
    fn from(n: i64) -> Bind {
        Bind::Int(n)
    }
}

impl<T: Into<Bind>> From<Option<T>> for Bind {
    fn from(value: Option<T>) -> Bind {
        value.map_or(Bind::Null, Into::into)
    }
}

/// The parameters of one statement, in order.
#[derive(Debug, Default)]
pub(super) struct Params(Vec<Bind>);

impl Params {
    /// Adds `value`; returns its placeholder.
    pub(super) fn add(&mut self, value: impl Into<Bind>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    /// Adds each of `values`; returns their placeholders joined for an `IN (…)` list.
    pub(super) fn add_all<V: Into<Bind>>(&mut self, values: impl IntoIterator<Item = V>) -> String {
        values
            .into_iter()
            .map(|value| self.add(value))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `sql` with these parameters bound.
    pub(super) fn query(self, sql: &str) -> Query<'_, Any, AnyArguments<'_>> {
        bind_all!(sqlx::query(sql), self.0)
    }

    /// `sql`, which answers one column, with these parameters bound.
    pub(super) fn query_scalar<T>(self, sql: &str) -> QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        bind_all!(sqlx::query_scalar(sql), self.0)
    }

    /// `sql`, which answers rows of `O`, with these parameters bound.
    pub(super) fn query_as<O>(self, sql: &str) -> QueryAs<'_, Any, O, AnyArguments<'_>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        bind_all!(sqlx::query_as(sql), self.0)
    }
}
