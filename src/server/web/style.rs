//! The one stylesheet of every page customers see (`/m/style.css`): readable on a cheap
//! phone and at 200 % text, 320 px wide without sideways scrolling, text at 4.5:1 contrast
//! or better, everything to tap (inputs, buttons, links, a box's label) at least 44 px
//! tall, focus always visible.

/// The stylesheet.
pub const STYLESHEET: &str = r#"
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;font-size:1rem;line-height:1.6;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
a{color:#0b57d0}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #b45309;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center;padding:.5rem 1rem;border-bottom:1px solid #d0d0d0}
header nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
header a,footer a{display:inline-block;min-height:44px;line-height:44px}
main a:not(.button){display:inline-block;min-height:44px;padding:.6rem 0}
.error-summary li>a{display:block}
button.switch{min-height:44px;padding:0;border:0;background:none;color:#0b57d0;font-weight:normal;text-decoration:underline}
.site{font-weight:bold;text-decoration:none;color:#1a1a1a}
main{max-width:40rem;margin:0 auto;padding:1rem}
footer{display:flex;flex-wrap:wrap;gap:0 1.5rem;max-width:40rem;margin:0 auto;padding:1rem;color:#4a4a4a;border-top:1px solid #d0d0d0}
footer .contact{display:inline-block;min-height:44px;line-height:44px}footer .contact a{white-space:nowrap}
h1{font-size:1.4rem;line-height:1.3}
h2{font-size:1.15rem}
.demo{flex-basis:calc(100% + 2rem);margin:0 -1rem -.5rem;padding:.5rem 1rem;background:#fff4ce;color:#3d2c00;border-top:1px solid #b45309}
.demo summary{padding:.55rem 0;cursor:pointer}
.demo p{margin:.25rem 0 0}
main .demo{margin:1rem -1rem;border-bottom:1px solid #b45309}
.ok{color:#0a6b2c}
.bad{color:#b42318}
.hint{margin:.1rem 0;color:#4a4a4a;font-size:.95rem}
.field{margin:1rem 0}
.field label,.field legend{display:block;font-weight:600;margin-bottom:.25rem}
.field-error{margin:.1rem 0;color:#b42318;font-weight:600}
.invalid input,.invalid select{border-color:#b42318;border-width:2px}
input:not([type=checkbox]):not([type=radio]),select{width:100%;min-height:44px;padding:.55rem .7rem;font-size:1rem;border:1px solid #6b6b6b;border-radius:.35rem;background:#fff;color:#1a1a1a}
input[readonly]:not([type=checkbox]):not([type=radio]){background:#f1f1f1;border-style:dashed}
input[type=file]{padding:.6rem;border:1px dashed #6b6b6b}
fieldset{border:1px solid #6b6b6b;border-radius:.35rem;padding:.5rem 1rem}
.choice{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;min-height:44px}
.choice>.field-error{flex-basis:100%}
.sessions{list-style:none;padding:0}
.sessions li{padding:.6rem 0;border-bottom:1px solid #d0d0d0}
.sessions form{margin-top:.4rem}
.choice input{width:1.6rem;height:1.6rem;flex:none;margin:0}
.choice label{font-weight:normal;margin:0;display:inline-flex;align-items:center;min-height:44px}
.choice>label{flex:1 1 0;min-width:0}
button,.button{display:inline-block;min-height:44px;min-width:44px;padding:.6rem 1.1rem;font-size:1rem;font-weight:600;line-height:1.5;border:2px solid #0b57d0;border-radius:.35rem;background:#0b57d0;color:#fff;text-decoration:none;text-align:center;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#0b57d0}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}
.actions form{margin:0}
.error-summary{border:3px solid #b42318;border-radius:.35rem;padding:.25rem 1rem;margin:1rem 0}
.error-summary h2{color:#b42318;margin:.5rem 0;scroll-margin-top:1.5rem}
dl{display:grid;grid-template-columns:fit-content(38%) minmax(0,1fr);gap:.3rem 1rem}
dt{color:#4a4a4a}
dd{margin:0;overflow-wrap:anywhere}
a[href^="tel:"]{white-space:nowrap}
@media (max-width:359px){dl{grid-template-columns:minmax(0,1fr);gap:0}dd{margin-bottom:.45rem}}
.amount{font-size:1.6rem;font-weight:bold}
.steps{display:flex;flex-wrap:wrap;gap:.25rem .75rem;padding:0;list-style:none;color:#4a4a4a;font-size:.95rem}
.steps .now{color:#1a1a1a;font-weight:700}
.orders{list-style:none;padding:0}
.orders li{border:1px solid #d0d0d0;border-radius:.35rem;padding:.75rem;margin:.75rem 0}
.status{display:inline-block;padding:0 .4rem;border:1px solid #4a4a4a;border-radius:.25rem}
dd.status{justify-self:start}
.status::first-letter{text-transform:uppercase}
.timeline{padding-left:1.2rem}
.terms{max-height:18rem;overflow:auto;border:1px solid #d0d0d0;padding:.5rem .75rem;white-space:pre-wrap}
.qr{display:block;width:14rem;max-width:100%;height:auto;image-rendering:pixelated;border:8px solid #fff;outline:1px solid #d0d0d0}
.small{font-size:.95rem;color:#4a4a4a}
form.inline{display:inline-block;margin:.3rem 0 .3rem .6rem;vertical-align:middle}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d0d0d0;padding:.4rem;text-align:left;vertical-align:top}
"#;

/// `GET /m/site.css`
pub async fn stylesheet() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}
