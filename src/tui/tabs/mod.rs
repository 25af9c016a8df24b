//! The tabs, in the order of the tab bar. Each is one folder holding its component: its
//! state (`mod.rs`), its keys (`keys.rs`), its view (`view.rs`) and its messages to and
//! from the platform (`messages.rs`). Adding a tab is a new folder with a `tab` function
//! and one line in the list below.

pub use super::component::Init;
use super::component::Tab;

macro_rules! tabs {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// Every tab, in the order of the tab bar.
        pub fn all(init: &Init) -> Vec<Box<dyn Tab>> {
            vec![$($name::tab(init)),*]
        }
    };
}

tabs! {
    newapp,
    orders,
    review,
    mailing,
    invoicing,
}
