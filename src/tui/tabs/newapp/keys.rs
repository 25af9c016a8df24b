//! The keys of the 新申请 tab: letters type into fields, so commands are on Ctrl keys, and
//! on letters only in steps without a text field.

use crossterm::event::KeyCode;

use super::NewApp;
use super::draft::Step;
use super::sheet::Paying;
use crate::i18n::T;
use crate::tui::component::Env;
use crate::tui::keys::{Binding, Key};

/// What the clerk can ask for besides typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// One step back.
    Back,
    /// A blank draft.
    NewDraft,
    /// The next open draft.
    NextDraft,
    /// Discard the draft (press twice).
    Discard,
    /// Print: the application form, or after submission the transfer slip or receipt.
    Print,
    /// A fresh real-name code.
    FreshCode,
    /// The QR code full-screen (or back).
    Enlarge,
    /// Correct the registered name.
    EditName,
    /// Accept the terms.
    AcceptTerms,
    /// Individual ⇄ organisation.
    ToggleUserType,
    /// Print the acceptance receipt.
    Receipt,
    /// Open the submitted order in 待办订单.
    OpenOrder,
    /// A blank form for the next customer.
    BlankForm,
    /// Take payment by Alipay QR code.
    PayQr,
    /// The customer pays by bank transfer.
    BankTransfer,
    /// Type the path of the transfer voucher.
    UploadVoucher,
    /// On the form: the next field, or from the last one, on to the scan.
    FormEnter,
    /// Paying by transfer after all not: back to choosing how to pay.
    PayOnline,
}

/// The bindings of the tab in its present state.
pub fn bindings(newapp: &NewApp, env: &Env) -> Vec<Binding<Cmd>> {
    let t = |t: T| t.get(env.lang).to_owned();
    let Some(sheet) = newapp.sheet() else {
        return Vec::new();
    };
    let step = sheet.draft.step;
    let typing = sheet.focused_key().is_some();
    let paying = sheet.paying();
    let esc_shown = match step {
        Step::Customer => false,
        Step::Done => paying == Some(Paying::Qr) || typing,
        _ => true,
    };
    let mut out = vec![
        Binding::new(&[Key::code(KeyCode::Esc)], Cmd::Back, t(T::CmdPrevStep))
            .short(t(T::HintPrevStep))
            .footer_if(esc_shown),
    ];
    if newapp.enlarged_now() {
        out.push(Binding::new(&[Key::ch('z')], Cmd::Enlarge, t(T::CmdEnlarge)).footer());
        return out;
    }
    if step == Step::Form {
        // Enter is how the form goes on: said in the footer, from the first field.
        let editable: Vec<&str> = sheet
            .specs()
            .iter()
            .filter(|s| s.kind != super::fields::Kind::Locked)
            .map(|s| s.key)
            .collect();
        let last = editable.last().is_some_and(|k| *k == sheet.draft.focus);
        let (label, short) = if last {
            (T::CmdFormGoOn, T::HintFormGoOn)
        } else {
            (T::CmdFormNextField, T::HintFormNextField)
        };
        out.push(
            Binding::new(&[Key::code(KeyCode::Enter)], Cmd::FormEnter, t(label))
                .short(t(short))
                .footer(),
        );
    }
    let verified = sheet.draft.customer.as_ref().is_some_and(|c| c.verified);
    let qr_payment = env.shared.platform.as_ref().is_none_or(|h| h.qr_payment);
    if !typing {
        match step {
            Step::Realname if !verified => {
                out.push(
                    Binding::new(&[Key::ch('r')], Cmd::FreshCode, t(T::CmdFreshCode))
                        .short(t(T::HintFreshCode))
                        .footer(),
                );
                // Only a live code is enlarged (a locked or lapsed one is not shown).
                out.push(
                    Binding::new(&[Key::ch('z')], Cmd::Enlarge, t(T::CmdEnlarge))
                        .short(t(T::HintEnlarge))
                        .footer_if(sheet.live_code().is_some()),
                );
                out.push(
                    Binding::new(&[Key::ch('e')], Cmd::EditName, t(T::CmdEditName))
                        .short(t(T::HintEditName))
                        .footer(),
                );
            }
            Step::Terms => {
                out.push(Binding::new(&[Key::ch('a')], Cmd::AcceptTerms, t(T::CmdAcceptTerms)).footer());
                out.push(
                    Binding::new(&[Key::ch('t')], Cmd::ToggleUserType, t(T::CmdToggleUserType))
                        .footer(),
                );
            }
            Step::Done => {
                match paying {
                    Some(Paying::Choose) => {
                        if qr_payment {
                            out.push(
                                Binding::new(
                                    &[Key::ch('p')],
                                    Cmd::PayQr,
                                    t(if env.shared.demo(crate::api::DemoPart::Cashier) {
                                        T::CmdPayQrDemo
                                    } else {
                                        T::CmdPayQr
                                    }),
                                )
                                    .short(t(T::HintPayQr))
                                    .footer(),
                            );
                        }
                        out.push(
                            Binding::new(&[Key::ch('b')], Cmd::BankTransfer, t(T::CmdBankTransfer))
                                .short(t(T::HintBankTransfer))
                                .footer(),
                        );
                    }
                    Some(Paying::Qr) => {
                        out.push(Binding::new(&[Key::ch('z')], Cmd::Enlarge, t(T::CmdEnlarge)).footer());
                    }
                    Some(Paying::Transfer) => {
                        out.push(
                            Binding::new(&[Key::ch('u')], Cmd::UploadVoucher, t(T::CmdUploadVoucher))
                                .short(t(T::HintUploadVoucher))
                                .footer(),
                        );
                        // A customer who changes their mind at the counter: shown beside the
                        // upload, so the clerk sees the way back.
                        if qr_payment {
                            out.push(
                                Binding::new(&[Key::ch('p')], Cmd::PayOnline, t(T::CmdPayOnline))
                                    .short(t(T::HintPayOnline))
                                    .footer(),
                            );
                        }
                    }
                    Some(Paying::Settled) | None => {}
                }
                // The way on first: the order (payment and what follows), the next customer;
                // the receipt is Ctrl-P's too.
                out.push(
                    Binding::new(&[Key::ch('o')], Cmd::OpenOrder, t(T::CmdOpenSubmitted))
                        .short(t(T::HintOpenSubmitted))
                        .footer(),
                );
                out.push(
                    Binding::new(&[Key::ch('n')], Cmd::BlankForm, t(T::CmdBlankForm))
                        .short(t(T::HintBlankForm))
                        .footer(),
                );
                out.push(
                    Binding::new(&[Key::ch('r')], Cmd::Receipt, t(T::CmdReceipt))
                        .short(t(T::HintReceipt))
                        .footer(),
                );
            }
            _ => {}
        }
    }
    if matches!(step, Step::Form | Step::Scan | Step::Submit | Step::Done) {
        let label = match (step, paying) {
            (Step::Done, Some(Paying::Transfer)) => T::CmdPrintSlip,
            (Step::Done, _) => T::CmdReceipt,
            _ => T::CmdPrintForm,
        };
        out.push(
            Binding::new(&[Key::ctrl('p')], Cmd::Print, t(label))
                .short(t(T::HintPrint))
                .footer(),
        );
    }
    out.push(
        Binding::new(&[Key::ctrl('n')], Cmd::NewDraft, t(T::CmdNewDraft))
            .short(t(T::HintNewDraft))
            .footer(),
    );
    out.push(
        Binding::new(&[Key::ctrl('o')], Cmd::NextDraft, t(T::CmdNextDraft))
            .short(t(T::HintNextDraft))
            .footer(),
    );
    out.push(
        Binding::new(&[Key::ctrl('d')], Cmd::Discard, t(T::CmdDiscardDraft)).short(t(T::HintDiscard)),
    );
    out
}
