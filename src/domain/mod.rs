//! The rules of the business, with no IO: order statuses and the transition table, who may
//! do what, and types that can only hold valid values.

mod approval;
mod channel;
mod contact;
mod doc_code;
mod draft_id;
mod edit;
mod filetype;
mod id_number;
mod invoice;
mod mask;
mod money;
mod next_step;
mod order_no;
#[cfg(test)]
mod properties;
mod province;
mod realname;
mod role;
mod scan_codes;
mod status;
mod text;
mod tracking;
mod tracking_state;
mod uscc;
mod workdays;

pub use approval::{ApprovalGap, approval_gaps, verified_as};
pub use channel::Channel;
pub use contact::{Email, Phone, PlaceName, PostalCode, RecipientPhone};
pub use doc_code::{DocCode, DocKind, DocSubject, form_edition};
pub use draft_id::DraftId;
pub use edit::{
    DOCUMENT_REASONS, OrderPart, REASON_SEPARATOR, RETURN_REASONS, answerable_by_correction,
    answered_by_a_voucher, asks_for_a_voucher, asks_for_the_amount, asks_for_the_check,
    check_order_field, check_voucher_total, checklist_reason, edit_record, is_the_check,
    may_ask_for_the_form, only_the_check, read_edit_record, reason_applies, recorded_rest,
    return_reason_in, return_reasons_in, return_reasons_list_in, still_to_transfer,
    still_to_transfer_said,
};
pub use filetype::{
    FileProblem, FileType, Inspected, MAX_PIXELS, MIN_SIDE, image_size, inspect, shown_file_name,
    sniff,
};
pub use id_number::IdNumber;
pub use invoice::{
    BuyerKind, FieldMessages, INVOICE_LINE_MAX, InvoiceKind, InvoiceRequest, InvoiceRequestInput,
    is_seller_code, required_field as invoice_field_required, same_buyer,
    same_request as same_invoice_request, tax_number_kept, validate as validate_invoice_request,
};
pub use mask::{
    address, mask_address, mask_email, mask_id_number, mask_name, mask_numbers_in, mask_phone,
    region,
};
pub use money::{Money, paid_without_money};
pub use next_step::NextStep;
pub use order_no::{OrderNo, PREFIX as ORDER_PREFIX};
pub use province::{
    PROVINCES, postal_code_in, province, province_names, province_of_postal_code, street_alone,
    without_province,
};
pub use realname::{FACE_ABANDONED, FACE_FAILED, realname_reason};
pub use role::{Permission, Role, RoleSet};
pub use scan_codes::{
    MAX_SIDE, PdfPages, Scanned, decode_upright, decode_upright_or_size, generated_codes,
    pdf_page_codes, pdf_page_picture, read_codes, read_picture,
};
pub use status::{Action, ActionNeeds, OrderStatus, TRANSITIONS, UserType, next_status};
pub use text::{
    Lines, RequiredText, ascii_alphanumerics, has_web_address, human_text, is_bidi_control,
    is_invisible, is_unsafe_for_terminal, lines_pattern, name_as_searched, normalize_width,
    one_line_pattern, optional_lines_pattern, organisation_name, person_name, place_name,
    printed_line, said_back, street, texted_line,
};
pub use tracking::{TrackingFormat, TrackingNo, is_valid_s10, s10_check_digit};
pub use tracking_state::TrackingState;
pub use uscc::Uscc;
pub use workdays::{CHINA, Calendar, Deadline};

use crate::i18n::{Lang, Msg};

/// A value that failed its type's checks, with the words a clerk would need to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue(pub Msg);

impl InvalidValue {
    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.0.render(lang)
    }
}

impl std::fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.render(Lang::En))
    }
}

impl std::error::Error for InvalidValue {}

impl From<Msg> for InvalidValue {
    fn from(msg: Msg) -> Self {
        InvalidValue(msg)
    }
}

impl From<crate::i18n::T> for InvalidValue {
    fn from(text: crate::i18n::T) -> Self {
        InvalidValue(Msg::new(text))
    }
}
