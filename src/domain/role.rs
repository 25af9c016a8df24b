//! Roles and the one role→permission table.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::{Action, OrderStatus, next_status};
use crate::i18n::{Lang, T};

/// A job an operator does; an operator has one or more.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 柜台受理: takes walk-in applications and payments.
    Clerk,
    /// 客服: looks orders up and adds notes; changes nothing else.
    Support,
    /// 审核: approves or returns paid orders.
    Reviewer,
    /// 邮寄: ships approved orders.
    Mailroom,
    /// 开票: issues invoices.
    Finance,
    /// Operators, roles and the catalog; may do everything.
    Admin,
}

/// Something an operator may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read orders, customers and the catalog.
    ViewOrders,
    /// Create and edit customers.
    ManageCustomers,
    /// Submit new orders.
    CreateOrders,
    /// Upload attachments to an order.
    UploadAttachments,
    /// Add notes to an order.
    AddNotes,
    /// See ID numbers, the scans and printed forms that carry them, phones and addresses
    /// in full (audited): those who check who the customer is.
    RevealPersonalData,
    /// See phones and mailing addresses in full (audited), ID numbers still masked: what
    /// the mailroom needs to address a parcel, and no more.
    RevealContact,
    /// Text a customer for them (a fresh login code, the link to pay): the counter and
    /// phone support, who have the customer in front of them or on the line. Each text
    /// spends the customer's own limits.
    TextCustomers,
    /// Correct an order's mailing address, and a returned organisation's details (the
    /// counter, with the customer there: [`super::OrderPart`] says when).
    EditOrders,
    /// Perform an order action.
    Act(Action),
    /// Manage operators and the catalog.
    Administer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Clerk,
        Role::Support,
        Role::Reviewer,
        Role::Mailroom,
        Role::Finance,
        Role::Admin,
    ];

    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Support => "support",
            Role::Reviewer => "reviewer",
            Role::Mailroom => "mailroom",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name.trim())
    }

    /// The label staff see.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Clerk => T::RoleClerk.get(lang),
            Role::Support => T::RoleSupport.get(lang),
            Role::Reviewer => T::RoleReviewer.get(lang),
            Role::Mailroom => T::RoleMailroom.get(lang),
            Role::Finance => T::RoleFinance.get(lang),
            Role::Admin => T::RoleAdmin.get(lang),
        }
    }

    /// The role→permission table: the only place that says who may do what.
    pub fn permits(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Admin => !matches!(permission, P::Act(a) if a.is_provider_only()),
            Role::Clerk => matches!(
                permission,
                P::ViewOrders
                    | P::ManageCustomers
                    | P::CreateOrders
                    | P::UploadAttachments
                    | P::AddNotes
                    | P::RevealPersonalData
                    | P::RevealContact
                    | P::TextCustomers
                    | P::EditOrders
                    | P::Act(
                        Action::ChooseBankTransfer
                            | Action::ChooseOnlinePayment
                            | Action::UploadVoucher
                            | Action::Resubmit
                            | Action::Cancel
                    )
            ),
            Role::Support => matches!(permission, P::ViewOrders | P::AddNotes | P::TextCustomers),
            Role::Reviewer => matches!(
                permission,
                P::ViewOrders
                    | P::AddNotes
                    | P::RevealPersonalData
                    | P::RevealContact
                    | P::Act(Action::Approve | Action::Reject)
            ),
            Role::Mailroom => matches!(
                permission,
                P::ViewOrders
                    | P::AddNotes
                    | P::RevealContact
                    | P::Act(Action::Ship | Action::ReturnParcel)
            ),
            Role::Finance => matches!(
                permission,
                P::ViewOrders
                    | P::AddNotes
                    | P::Act(
                        Action::IssueInvoice | Action::DeclineInvoice | Action::ReverseInvoice
                    )
            ),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles of one operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    /// A role set from a list; duplicates removed, order fixed.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> RoleSet {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        RoleSet(roles)
    }

    /// Parses `clerk,reviewer`; `Err` names the first unknown role.
    pub fn parse(list: &str) -> Result<RoleSet, String> {
        let mut roles = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            roles.push(Role::parse(name).ok_or_else(|| name.to_owned())?);
        }
        Ok(RoleSet::new(roles))
    }

    /// The roles, in a fixed order.
    pub fn roles(&self) -> &[Role] {
        &self.0
    }

    /// True when no role is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `clerk,reviewer`, as stored.
    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// True when any held role grants `permission`.
    pub fn permits(&self, permission: Permission) -> bool {
        self.0.iter().any(|r| r.permits(permission))
    }

    /// May an operator with these roles do `action` on an order in `status`?
    /// Both the role table and the transition table must say yes.
    pub fn may(&self, action: Action, status: OrderStatus) -> bool {
        self.permits(Permission::Act(action)) && next_status(action, status).is_some()
    }

    /// The actions these roles may take on an order in `status`, in table order.
    pub fn actions_for(&self, status: OrderStatus) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.may(*a, status))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerks_take_payments_but_never_review() {
        let clerk = RoleSet::new([Role::Clerk]);
        assert!(clerk.may(Action::ChooseBankTransfer, OrderStatus::PendingPayment));
        assert!(clerk.may(Action::Cancel, OrderStatus::PendingVoucher));
        assert!(!clerk.may(Action::Approve, OrderStatus::PendingReview));
        assert!(!clerk.may(Action::Cancel, OrderStatus::PendingReview));
    }

    #[test]
    fn support_changes_nothing() {
        let support = RoleSet::new([Role::Support]);
        for status in OrderStatus::ALL {
            assert!(support.actions_for(status).is_empty(), "{status}");
        }
        assert!(support.permits(Permission::AddNotes));
        assert!(!support.permits(Permission::RevealPersonalData));
    }

    #[test]
    fn the_mailroom_sees_where_to_send_a_parcel_but_not_who_the_customer_is() {
        let mailroom = RoleSet::new([Role::Mailroom]);
        assert!(mailroom.permits(Permission::RevealContact));
        assert!(!mailroom.permits(Permission::RevealPersonalData));
        // Whoever may see ID numbers may see phones and addresses too.
        for role in Role::ALL {
            if role.permits(Permission::RevealPersonalData) {
                assert!(role.permits(Permission::RevealContact), "{role}");
            }
        }
    }

    #[test]
    fn only_the_counter_and_phone_support_text_customers() {
        for role in Role::ALL {
            let may = matches!(role, Role::Clerk | Role::Support | Role::Admin);
            assert_eq!(role.permits(Permission::TextCustomers), may, "{role}");
        }
    }

    #[test]
    fn nobody_confirms_payment_by_hand() {
        for role in Role::ALL {
            assert!(!role.permits(Permission::Act(Action::Pay)), "{role}");
        }
    }

    #[test]
    fn every_human_action_has_a_role_and_admin_may_do_all_of_them() {
        let admin = RoleSet::new([Role::Admin]);
        for action in Action::ALL.into_iter().filter(|a| !a.is_provider_only()) {
            let holders = Role::ALL
                .iter()
                .filter(|r| r.permits(Permission::Act(action)))
                .count();
            assert!(holders >= 2, "{action} only for admin");
            assert!(admin.permits(Permission::Act(action)));
        }
    }

    #[test]
    fn role_lists_parse_and_name_the_unknown_one() {
        let set = RoleSet::parse("reviewer, clerk,clerk").unwrap_or_default();
        assert_eq!(set.to_list(), "clerk,reviewer");
        assert_eq!(RoleSet::parse("clerk,boss"), Err("boss".into()));
        assert!(RoleSet::parse("").map(|s| s.is_empty()).unwrap_or(false));
    }
}
