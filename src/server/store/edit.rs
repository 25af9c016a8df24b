//! Correcting what an order says after it was submitted: its mailing address, a returned
//! organisation's details. The same shape as a transition — the rule first
//! ([`OrderPart::editable_in`]), then a compare-and-set on the order's id, status and
//! version, with its audit row and its event in the same transaction — but the status
//! stays, so the per-status counts do not move.

use crate::api::{MailingAddress, Organization};
use crate::domain::{OrderPart, OrderStatus, UserType};

use super::events::{NewEvent, insert_event};
use super::orders::{Actor, OrderRow, TransitionError, insert_history};
use super::params::Params;
use super::{Store, StoreError, StoreResult, now_ms, search};

/// The history row's action of a correction. Its reason is the fields that changed
/// (`mailing.street,mailing.postal_code`), then what the person gave as why, if anything.
pub const EDIT_ACTION: &str = "edit_details";

/// A correction of an order, checked.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The version the person saw.
    pub expected_version: i64,
    /// The new mailing address.
    pub mailing: Option<MailingAddress>,
    /// The organisation's new details.
    pub organization: Option<Organization>,
    /// Who.
    pub actor: Actor,
    /// Why, for the audit trail.
    pub reason: Option<String>,
    /// The request that asked for it.
    pub request_id: Option<String>,
    /// The text to the applicant (and who sends it) written into the outbox with the
    /// correction when the address changes.
    pub address_sms: Option<(&'static str, crate::server::sms::NewSms)>,
}

impl Edit {
    /// The parts this correction touches.
    pub fn parts(&self) -> Vec<OrderPart> {
        let mut parts = Vec::new();
        if self.mailing.is_some() {
            parts.push(OrderPart::Mailing);
        }
        if self.organization.is_some() {
            parts.push(OrderPart::Organization);
        }
        parts
    }
}

/// What happened to an order since it was last returned ([`Store::since_return`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceReturn {
    /// When it was returned (unix ms); the correction deadline counts from it.
    pub at: i64,
    /// The fields corrected since.
    pub corrected: Vec<String>,
}

/// The fields the corrections among `history` changed (`mailing.street`, each once, in
/// the order first corrected): what a customer or clerk fixed after a return or a parcel
/// that came back.
pub fn corrected_in(history: &[super::HistoryRow]) -> Vec<String> {
    let mut corrected: Vec<String> = Vec::new();
    for h in history.iter().filter(|h| h.action == EDIT_ACTION) {
        let (named, _) = crate::domain::read_edit_record(h.reason.as_deref().unwrap_or_default());
        for field in named {
            if !corrected.iter().any(|f| f == field) {
                corrected.push(field.to_owned());
            }
        }
    }
    corrected
}

/// What a correction did.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The order as it is now.
    pub row: OrderRow,
    /// The fields that changed (`mailing.street`); empty when the correction changed
    /// nothing (then neither the version nor the history moved).
    pub changed: Vec<&'static str>,
    /// A text went into the outbox with it (the address changed).
    pub texted: bool,
}

/// The wire names of the fields of `new` that differ from `old`.
fn mailing_changes(old: &MailingAddress, new: &MailingAddress) -> Vec<&'static str> {
    [
        ("mailing.recipient", &old.recipient, &new.recipient),
        ("mailing.phone", &old.phone, &new.phone),
        ("mailing.province", &old.province, &new.province),
        ("mailing.city", &old.city, &new.city),
        ("mailing.district", &old.district, &new.district),
        ("mailing.street", &old.street, &new.street),
        ("mailing.postal_code", &old.postal_code, &new.postal_code),
    ]
    .into_iter()
    .filter(|(field, a, b)| differs(field, a, b))
    .map(|(field, ..)| field)
    .collect()
}

/// Whether `new` (as the platform keeps it, checked) differs from `old` as stored, read by
/// the same rule: an order saved before a rule read a field otherwise (a street with
/// full-width digits, kept as typed then) is not said to have changed when nobody changed it.
fn differs(field: &str, old: &str, new: &str) -> bool {
    crate::domain::check_order_field(field, old).map_or(old != new, |kept| kept != new)
}

fn organization_changes(old: &Organization, new: &Organization) -> Vec<&'static str> {
    [
        ("organization.name", &old.name, &new.name),
        ("organization.uscc", &old.uscc, &new.uscc),
        (
            "organization.legal_representative",
            &old.legal_representative,
            &new.legal_representative,
        ),
    ]
    .into_iter()
    .filter(|(field, a, b)| differs(field, a, b))
    .map(|(field, ..)| field)
    .collect()
}

impl Store {
    /// When the order was last returned (its last change, when it never was) and the
    /// fields corrected since (`mailing.street`, each once, in the order first corrected):
    /// one read of its history.
    pub async fn since_return(&self, row: &OrderRow) -> StoreResult<SinceReturn> {
        let history = self.history(&row.id).await?;
        let last_return = history.iter().rposition(|h| h.action == "reject");
        let since = last_return.map_or(history.len(), |i| i + 1);
        let corrected = corrected_in(&history[since..]);
        Ok(SinceReturn {
            at: last_return.map_or(row.updated_at, |i| history[i].at),
            corrected,
        })
    }

    /// Corrects `order_no` as `edit` says. Nothing changes unless the version is the one
    /// the person saw ([`TransitionError::Conflict`]) and every part it changes may change
    /// in the order's status ([`TransitionError::NotAllowed`]); a part sent as it is
    /// changes nothing and is not asked about. An organisation's new name is searchable at
    /// once (its terms are written again).
    pub async fn edit_order(&self, order_no: &str, edit: &Edit) -> Result<Edited, TransitionError> {
        #[derive(sqlx::FromRow)]
        struct Current {
            id: String,
            status: String,
            version: i64,
            user_type: String,
            applicant_name: String,
            display_name: String,
            phone: String,
            mailing_json: String,
            organization_json: Option<String>,
        }
        let mut tx = self.begin_write().await?;
        // Step 1 of the lock order: the order row, before anything is read to decide.
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM orders WHERE order_no = $1")
            .bind(order_no)
            .fetch_optional(&mut *tx)
            .await?;
        let id = id.ok_or(TransitionError::NotFound)?;
        self.lock_order(&mut tx, &id).await?;
        let current: Current = sqlx::query_as(
            "SELECT id, status, version, user_type, applicant_name, display_name, phone, \
             mailing_json, organization_json FROM orders WHERE id = $1",
        )
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        let corrupt = |what: &str| TransitionError::Store(StoreError::Corrupt(what.to_owned()));
        let status = OrderStatus::parse(&current.status)
            .ok_or_else(|| corrupt(&format!("status {}", current.status)))?;
        let user_type = UserType::parse(&current.user_type)
            .ok_or_else(|| corrupt(&format!("user type {}", current.user_type)))?;
        if edit.expected_version != current.version {
            return Err(TransitionError::Conflict {
                status,
                version: current.version,
            });
        }

        let old_mailing: MailingAddress =
            serde_json::from_str(&current.mailing_json).map_err(|_| corrupt("mailing address"))?;
        let old_org: Option<Organization> = match &current.organization_json {
            Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("organisation"))?),
            None => None,
        };
        let mut changed = Vec::new();
        let mut mailing_json = current.mailing_json.clone();
        if let Some(new) = &edit.mailing {
            let fields = mailing_changes(&old_mailing, new);
            if !fields.is_empty() {
                changed.extend(fields);
                mailing_json = to_json(new);
            }
        }
        let mut organization_json = current.organization_json.clone();
        let mut display_name = current.display_name.clone();
        if let Some(new) = &edit.organization {
            let fields = match &old_org {
                Some(old) => organization_changes(old, new),
                None => vec!["organization.name"],
            };
            if !fields.is_empty() {
                changed.extend(fields);
                organization_json = Some(to_json(new));
                display_name = new.name.clone();
            }
        }
        // The rule asks of the parts that change: a part sent as it is (a form that always
        // sends the organisation) changes nothing, whatever the status.
        let parts_changed = OrderPart::ALL.into_iter().filter(|part| {
            let prefix = format!("{}.", part.as_str());
            changed.iter().any(|f| f.starts_with(&prefix))
        });
        for part in parts_changed {
            if !part.editable_in(status, user_type) {
                return Err(TransitionError::NotAllowed {
                    status,
                    version: current.version,
                });
            }
        }
        if changed.is_empty() {
            tx.rollback().await?;
            let row = self
                .order_by_no(order_no)
                .await?
                .ok_or(TransitionError::NotFound)?;
            return Ok(Edited {
                row,
                changed,
                texted: false,
            });
        }

        let updated = sqlx::query(
            "UPDATE orders SET mailing_json = $1, organization_json = $2, display_name = $3, \
             version = version + 1, updated_at = $4 WHERE id = $5 AND status = $6 AND version = $7",
        )
        .bind(&mailing_json)
        .bind(&organization_json)
        .bind(&display_name)
        .bind(now_ms())
        .bind(&current.id)
        .bind(status.as_str())
        .bind(current.version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            // Held under the row lock on PostgreSQL; on SQLite the write lock serialises.
            return Err(TransitionError::Conflict {
                status,
                version: current.version,
            });
        }
        if display_name != current.display_name {
            // The order is found by its new name, and no longer by the old one.
            sqlx::query("DELETE FROM order_terms WHERE order_no = $1")
                .bind(order_no)
                .execute(&mut *tx)
                .await?;
            let mut p = Params::default();
            let sql = search::terms_insert(
                &mut p,
                self.backend,
                order_no,
                &current.applicant_name,
                &display_name,
                &current.phone,
            );
            p.query(&sql).execute(&mut *tx).await?;
        }
        let reason = crate::domain::edit_record(&changed, edit.reason.as_deref());
        insert_history(
            &mut tx,
            &current.id,
            &edit.actor,
            EDIT_ACTION,
            None,
            None,
            Some(&reason),
            edit.request_id.as_deref(),
        )
        .await?;
        // An update, named as the history names it (the fields are in the history).
        let event = NewEvent::order(
            &current.id,
            order_no,
            "updated",
            Some(EDIT_ACTION),
            status,
            current.version + 1,
        );
        let event_id = insert_event(&mut tx, self.backend, event).await?;
        let texted = match &edit.address_sms {
            Some((provider, message)) if changed.iter().any(|f| f.starts_with("mailing.")) => {
                self.enqueue_sms_in(&mut tx, Some(&current.id), provider, message)
                    .await?;
                true
            }
            _ => false,
        };
        self.commit_with_event(tx, event_id).await?;
        let row = self
            .order_by_no(order_no)
            .await?
            .ok_or(TransitionError::NotFound)?;
        Ok(Edited {
            row,
            changed,
            texted,
        })
    }
}

/// JSON of a wire struct (plain strings: serializing cannot fail).
fn to_json<V: serde::Serialize>(value: &V) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fields_that_differ_are_named() {
        let old = MailingAddress {
            recipient: "张三".into(),
            phone: "13800138000".into(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "麓山南路 1 号".into(),
            postal_code: "410000".into(),
        };
        let mut new = old.clone();
        assert!(mailing_changes(&old, &new).is_empty());
        new.street = "麓山南路 2 号".into();
        new.postal_code = "410082".into();
        assert_eq!(
            mailing_changes(&old, &new),
            vec!["mailing.street", "mailing.postal_code"]
        );
        let org = Organization {
            name: "长沙某某有限公司".into(),
            uscc: "91430100MA4L0XXXX0".into(),
            legal_representative: "李四".into(),
        };
        let renamed = Organization {
            name: "长沙某某科技有限公司".into(),
            ..org.clone()
        };
        assert_eq!(
            organization_changes(&org, &renamed),
            vec!["organization.name"]
        );
    }
}
