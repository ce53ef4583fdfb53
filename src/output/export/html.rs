//! The members page: static HTML that works with JavaScript off. Every
//! text from the ledger is escaped for where it goes (element text,
//! attribute values, SVG text), names are isolated from the text around
//! them (`<bdi>`), links are `https:` only, and the Content-Security-Policy
//! allows scripts and styles from the site's own files alone, so nothing a
//! member file says can run. A small external script adds the filter.
//!
//! At 100,000 members the page stays usable: the sponsor tiers are listed
//! in full on it, and a tier of more than [`PAGE_SIZE`] listed members is
//! shown by its count, its members on static pages of [`PAGE_SIZE`] names
//! under `tiers/` (each with the filter).

use super::data::{self, Public, PublicMember, TierCount};
use serde_json::Value;

/// The most names one page lists for one tier.
pub const PAGE_SIZE: usize = 1000;

const STYLE: &str = include_str!("site/style.css");
const SCRIPT: &str = include_str!("site/filter.js");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   base-uri 'none'; form-action 'none'";

/// Every HTML, CSS and script file of the site, by path.
pub fn site(public: &Public) -> Vec<(String, Vec<u8>)> {
    let mut files =
        vec![("style.css".to_owned(), STYLE.as_bytes().to_vec()), ("filter.js".to_owned(), SCRIPT.as_bytes().to_vec())];
    let mut pages = Vec::new();
    for (index, tier) in public.tiers.iter().enumerate() {
        let members: Vec<&PublicMember> = public.members.iter().filter(|m| m.tier == tier.tier).collect();
        if members.len() > PAGE_SIZE {
            let count = members.len().div_ceil(PAGE_SIZE);
            for (n, chunk) in members.chunks(PAGE_SIZE).enumerate() {
                let path = page_path(index, n + 1);
                files.push((format!("tiers/{path}"), tier_page(public, tier, chunk, n + 1, count).into_bytes()));
            }
            pages.push((index, count));
        }
    }
    files.push(("index.html".to_owned(), index(public, &pages).into_bytes()));
    files
}

fn page_path(tier: usize, page: usize) -> String {
    format!("t{tier}-{page}.html")
}

/// Text for an element or an attribute value: every character that could
/// end either is a reference, and a control character is replaced.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls and text-direction overrides: a name cannot reorder the page.
            c if c.is_control()
                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push('\u{FFFD}')
            }
            c => out.push(c),
        }
    }
    out
}

/// A tier's name as a heading shows it.
fn title(tier: &str) -> String {
    let mut chars = tier.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The page's head and the start of its body.
fn head(public: &Public, title_text: &str, root: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n\
         <script src=\"{root}filter.js\" defer></script>\n</head>\n<body>\n\
         <header>\n<h1>{}</h1>\n<p>The public roll as of <time datetime=\"{date}\">{date}</time>.</p>\n</header>\n",
        esc(title_text),
        esc(title_text),
        date = public.as_of,
    )
}

fn foot(public: &Public, root: &str) -> String {
    format!(
        "<footer>\n<p>Published from the membership ledger at commit <code>{}</code>. \
         The same data: <a href=\"{root}api/v1/index.json\">JSON API</a>, \
         <a href=\"{root}members.csv\">CSV</a>, <a href=\"{root}data/members.json\">site data file</a>. \
         Members who chose to be unlisted appear nowhere here.</p>\n</footer>\n</body>\n</html>\n",
        esc(&public.commit)
    )
}

/// The filter: hidden until the script shows it (without the script, the
/// tier links and the browser's own search do its work).
fn filter(public: &Public, with_tiers: bool) -> String {
    let mut out = String::from(
        "<form id=\"filter\" class=\"filter\" role=\"search\" aria-label=\"Find a member\" hidden>\n\
         <div><label for=\"filter-name\">Name</label> \
         <input id=\"filter-name\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\"></div>\n",
    );
    if with_tiers {
        out.push_str(
            "<div><label for=\"filter-tier\">Tier</label> <select id=\"filter-tier\">\
             <option value=\"\">All tiers</option>",
        );
        for t in public.tiers.iter().filter(|t| t.members > 0) {
            out.push_str(&format!("<option value=\"{}\">{}</option>", esc(&t.tier), esc(&title(&t.tier))));
        }
        out.push_str("</select></div>\n");
    }
    let mut countries: Vec<&str> = public.members.iter().filter_map(|m| m.country.as_deref()).collect();
    countries.sort_unstable();
    countries.dedup();
    out.push_str(
        "<div><label for=\"filter-country\">Country</label> <select id=\"filter-country\">\
         <option value=\"\">All countries</option>",
    );
    for c in countries {
        out.push_str(&format!("<option value=\"{0}\">{0}</option>", esc(c)));
    }
    out.push_str("</select></div>\n<p id=\"filter-status\" role=\"status\"></p>\n</form>\n");
    out
}

/// One member as a list item: its name linked to its website or GitHub
/// account (https only), its country.
fn member_item(m: &PublicMember) -> String {
    let name = format!("<bdi>{}</bdi>", esc(&m.name));
    let shown = match m.url.as_deref().filter(|u| data::is_https_url(u)) {
        Some(url) => format!("<a href=\"{}\" rel=\"nofollow noopener noreferrer\">{name}</a>", esc(url)),
        None => name,
    };
    let country = m.country.as_deref().unwrap_or_default();
    format!(
        "<li data-name=\"{}\" data-tier=\"{}\" data-country=\"{}\">{shown}{}</li>\n",
        esc(&m.name.to_lowercase()),
        esc(&m.tier),
        esc(country),
        if country.is_empty() { String::new() } else { format!(" <span class=\"country\">{}</span>", esc(country)) }
    )
}

fn index(public: &Public, pages: &[(usize, usize)]) -> String {
    let heading = format!("Members of {}", public.foundation);
    let mut out = head(public, &heading, "");
    let shown: Vec<(usize, &TierCount)> = public.tiers.iter().enumerate().filter(|(_, t)| t.members > 0).collect();
    out.push_str("<nav aria-label=\"Tiers\">\n<ul>\n");
    for (i, t) in &shown {
        out.push_str(&format!("<li><a href=\"#tier-{i}\">{} ({})</a></li>\n", esc(&title(&t.tier)), t.members));
    }
    out.push_str("<li><a href=\"#growth\">Growth</a></li>\n<li><a href=\"#board\">Board</a></li>\n");
    out.push_str("<li><a href=\"#elections\">Elections</a></li>\n</ul>\n</nav>\n<main>\n");
    out.push_str(&counts_table(public));
    out.push_str(&filter(public, true));
    for (i, t) in &shown {
        out.push_str(&format!(
            "<section id=\"tier-{i}\" class=\"tier\" data-tier-section=\"{}\" aria-labelledby=\"tier-{i}-title\">\n\
             <h2 id=\"tier-{i}-title\">{} <span class=\"count\">({})</span></h2>\n",
            esc(&t.tier),
            esc(&title(&t.tier)),
            plural(t.members, "member", "members"),
        ));
        match pages.iter().find(|(tier, _)| tier == i) {
            Some((_, count)) => {
                out.push_str(&format!(
                    "<p>{} members, listed {PAGE_SIZE} to a page:</p>\n<ul class=\"pages\">\n",
                    t.members
                ));
                for page in 1..=*count {
                    out.push_str(&format!("<li><a href=\"tiers/{}\">Page {page}</a></li>\n", page_path(*i, page)));
                }
                out.push_str("</ul>\n");
            }
            None => {
                out.push_str(&format!("<ul class=\"members\" data-tier=\"{}\">\n", esc(&t.tier)));
                for m in public.members.iter().filter(|m| m.tier == t.tier) {
                    out.push_str(&member_item(m));
                }
                out.push_str("</ul>\n");
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str(&growth(public));
    out.push_str(&board(public));
    out.push_str(&elections(public));
    out.push_str("</main>\n");
    out.push_str(&foot(public, ""));
    out
}

fn tier_page(public: &Public, tier: &TierCount, members: &[&PublicMember], page: usize, pages: usize) -> String {
    let heading = format!("{} members of {}, page {page} of {pages}", title(&tier.tier), public.foundation);
    let mut out = head(public, &heading, "../");
    out.push_str("<nav aria-label=\"Pages\">\n<ul>\n<li><a href=\"../index.html\">All members</a></li>\n");
    let tier_index = public.tiers.iter().position(|t| t.tier == tier.tier).unwrap_or_default();
    for n in 1..=pages {
        let current = if n == page { " aria-current=\"page\"" } else { "" };
        out.push_str(&format!("<li><a href=\"{}\"{current}>Page {n}</a></li>\n", page_path(tier_index, n)));
    }
    out.push_str("</ul>\n</nav>\n<main>\n");
    out.push_str(&filter(public, false));
    out.push_str(&format!(
        "<section class=\"tier\" data-tier-section=\"{0}\" aria-label=\"{1}\">\n<ul class=\"members\" data-tier=\"{0}\">\n",
        esc(&tier.tier),
        esc(&title(&tier.tier)),
    ));
    for m in members {
        out.push_str(&member_item(m));
    }
    out.push_str("</ul>\n</section>\n</main>\n");
    out.push_str(&foot(public, "../"));
    out
}

fn counts_table(public: &Public) -> String {
    let mut out = String::from(
        "<section id=\"counts\" aria-labelledby=\"counts-title\">\n<h2 id=\"counts-title\">Members by tier</h2>\n\
         <table>\n<thead><tr><th scope=\"col\">Tier</th><th scope=\"col\">Members</th>\
         <th scope=\"col\">Voting members</th><th scope=\"col\">Votes</th><th scope=\"col\">Votes each</th>\
         <th scope=\"col\">Fee per year (USD)</th></tr></thead>\n<tbody>\n",
    );
    for t in public.tiers.iter().filter(|t| t.members > 0 || t.votes_each > 0) {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&title(&t.tier)),
            t.members,
            t.voting_members,
            t.votes,
            t.votes_each,
            t.fee_usd
        ));
    }
    let members: usize = public.tiers.iter().map(|t| t.members).sum();
    let voting: usize = public.tiers.iter().map(|t| t.voting_members).sum();
    let votes: u64 = public.tiers.iter().map(|t| t.votes).sum();
    out.push_str(&format!(
        "</tbody>\n<tfoot><tr><th scope=\"row\">All listed</th><td>{members}</td><td>{voting}</td><td>{votes}</td>\
         <td></td><td></td></tr></tfoot>\n</table>\n"
    ));
    let unlisted = match public.unlisted {
        Some(n) => format!("{} not listed here also hold memberships.", plural(n, "member", "members")),
        None => format!("Fewer than {} members, if any, are unlisted.", data::SMALL_COUNT),
    };
    out.push_str(&format!(
        "<p>Counts are of listed members. {unlisted} A member's votes count once its membership is old enough.</p>\n\
         </section>\n"
    ));
    out
}

const CHART_WIDTH: usize = 720;
const CHART_HEIGHT: usize = 300;
const LEFT: usize = 48;
const RIGHT: usize = 16;
const TOP: usize = 16;
const BOTTOM: usize = 40;

/// The growth chart (inline SVG: one line per tier), the same numbers as
/// a table, and a summary in words.
fn growth(public: &Public) -> String {
    let mut out =
        String::from("<section id=\"growth\" aria-labelledby=\"growth-title\">\n<h2 id=\"growth-title\">Growth</h2>\n");
    let months = &public.growth;
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        out.push_str("<p>The ledger records no memberships yet.</p>\n</section>\n");
        return out;
    };
    let tiers: Vec<(usize, &TierCount)> =
        public.tiers.iter().enumerate().filter(|(i, _)| months.iter().any(|m| m.totals[*i] > 0)).collect();
    let sum = |f: fn(&data::Month) -> usize| months.iter().map(f).sum::<usize>();
    out.push_str(&format!(
        "<p id=\"growth-summary\">From {} to {}, the listed memberships went from {} to {}: {}, {}, {}, {} and {}. {}</p>\n",
        first.month,
        last.month,
        first.total,
        last.total,
        plural(sum(|m| m.joins), "join", "joins"),
        plural(sum(|m| m.renewals), "renewal", "renewals"),
        plural(sum(|m| m.lapses), "lapse", "lapses"),
        plural(sum(|m| m.resignations), "resignation", "resignations"),
        plural(sum(|m| m.terminations), "termination", "terminations"),
        tiers
            .iter()
            .map(|(i, t)| format!("{} {}", esc(&title(&t.tier)), last.totals[*i]))
            .collect::<Vec<_>>()
            .join(", ")
            + " at the end."
    ));
    let max = months.iter().flat_map(|m| m.totals.iter()).copied().max().unwrap_or(0).max(1);
    let plot_w = CHART_WIDTH - LEFT - RIGHT;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    let x = |i: usize| LEFT as f64 + i as f64 * plot_w as f64 / (months.len().max(2) - 1) as f64;
    let y = |v: usize| TOP as f64 + plot_h as f64 - v as f64 * plot_h as f64 / max as f64;
    out.push_str(&format!(
        "<figure>\n<svg class=\"chart\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" \
         aria-labelledby=\"chart-title\" aria-describedby=\"growth-summary\">\n\
         <title id=\"chart-title\">Listed members per tier at the end of each month</title>\n"
    ));
    for v in [0, max / 2, max] {
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{right}\" y1=\"{at:.1}\" y2=\"{at:.1}\"/>\
             <text class=\"axis\" x=\"{label}\" y=\"{text:.1}\" text-anchor=\"end\">{v}</text>\n",
            right = CHART_WIDTH - RIGHT,
            at = y(v),
            label = LEFT - 6,
            text = y(v) + 4.0
        ));
    }
    let label_y = CHART_HEIGHT - BOTTOM + 20;
    out.push_str(&format!("<text class=\"axis\" x=\"{LEFT}\" y=\"{label_y}\">{}</text>\n", esc(&first.month)));
    if months.len() > 1 {
        out.push_str(&format!(
            "<text class=\"axis\" x=\"{}\" y=\"{label_y}\" text-anchor=\"end\">{}</text>\n",
            CHART_WIDTH - RIGHT,
            esc(&last.month)
        ));
    }
    for (series, (i, t)) in tiers.iter().enumerate() {
        let points: Vec<String> =
            months.iter().enumerate().map(|(k, m)| format!("{:.1},{:.1}", x(k), y(m.totals[*i]))).collect();
        out.push_str(&format!(
            "<g class=\"series s{}\" data-tier=\"{}\">\n<polyline points=\"{}\"/>\n",
            series % 8,
            esc(&t.tier),
            points.join(" ")
        ));
        for (k, m) in months.iter().enumerate() {
            out.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" data-month=\"{}\" data-count=\"{}\">\
                 <title>{}, {}: {}</title></circle>\n",
                x(k),
                y(m.totals[*i]),
                esc(&m.month),
                m.totals[*i],
                esc(&title(&t.tier)),
                esc(&m.month),
                m.totals[*i]
            ));
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n<figcaption>\n<ul class=\"legend\">\n");
    for (series, (_, t)) in tiers.iter().enumerate() {
        out.push_str(&format!(
            "<li><span class=\"swatch s{}\" aria-hidden=\"true\"></span>{}</li>\n",
            series % 8,
            esc(&title(&t.tier))
        ));
    }
    out.push_str("</ul>\n</figcaption>\n</figure>\n");
    out.push_str(
        "<details>\n<summary>The chart's numbers as a table</summary>\n\
         <div class=\"scroll\" role=\"region\" aria-labelledby=\"growth-table-caption\" tabindex=\"0\">\n\
         <table id=\"growth-table\">\n<caption id=\"growth-table-caption\">Memberships per month: \
         events, and listed members per tier at the month's end</caption>\n<thead><tr>\
         <th scope=\"col\">Month</th><th scope=\"col\">Joins</th><th scope=\"col\">Renewals</th>\
         <th scope=\"col\">Lapses</th><th scope=\"col\">Resignations</th><th scope=\"col\">Terminations</th>",
    );
    for (_, t) in &tiers {
        out.push_str(&format!("<th scope=\"col\" data-tier=\"{}\">{}</th>", esc(&t.tier), esc(&title(&t.tier))));
    }
    out.push_str("<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
    for m in months {
        out.push_str(&format!(
            "<tr data-month=\"{0}\"><th scope=\"row\">{0}</th><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td>",
            esc(&m.month),
            m.joins,
            m.renewals,
            m.lapses,
            m.resignations,
            m.terminations
        ));
        for (i, t) in &tiers {
            out.push_str(&format!("<td data-tier=\"{}\">{}</td>", esc(&t.tier), m.totals[*i]));
        }
        out.push_str(&format!("<td>{}</td></tr>\n", m.total));
    }
    out.push_str("</tbody>\n</table>\n</div>\n</details>\n</section>\n");
    out
}

fn board(public: &Public) -> String {
    let mut out = String::from(
        "<section id=\"board\" aria-labelledby=\"board-title\">\n<h2 id=\"board-title\">Board and committees</h2>\n",
    );
    let b = &public.board;
    for (title_text, seats, with_org) in [
        ("Board of directors", &b.directors, true),
        ("Membership committee", &b.committee, false),
        ("Election committee", &b.election_committee, false),
    ] {
        out.push_str(&format!("<h3>{title_text}</h3>\n"));
        if seats.is_empty() {
            out.push_str("<p>No one is seated.</p>\n");
            continue;
        }
        out.push_str("<ul class=\"seats\">\n");
        for s in seats {
            let name = s.name.as_deref().unwrap_or(&s.github);
            let account = if data::is_login(&s.github) {
                format!(
                    " (<a href=\"https://github.com/{0}\" rel=\"nofollow noopener noreferrer\">@{0}</a>)",
                    esc(&s.github)
                )
            } else {
                String::new()
            };
            let organization = match s.organization.as_deref().filter(|_| with_org) {
                Some(o) => format!(", <bdi>{}</bdi>", esc(o)),
                None => String::new(),
            };
            out.push_str(&format!(
                "<li><bdi>{}</bdi>{account}{organization}, since <time datetime=\"{1}\">{1}</time></li>\n",
                esc(name),
                esc(&s.since.date)
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

/// Each certified election: who was elected, then the round-by-round
/// table election officers publish (votes to 6 places; the API has them exact).
fn elections(public: &Public) -> String {
    let mut out = String::from(
        "<section id=\"elections\" aria-labelledby=\"elections-title\">\n<h2 id=\"elections-title\">Election results</h2>\n",
    );
    if public.elections.is_empty() {
        out.push_str("<p>No certified election results yet.</p>\n</section>\n");
        return out;
    }
    let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
    let short = |v: &Value| {
        let t = text(v);
        match t.split_once('.') {
            Some((whole, places)) => format!("{whole}.{}", &places[..places.len().min(6)]),
            None => t,
        }
    };
    for (n, e) in public.elections.iter().enumerate() {
        let names = |v: &Value| v.as_array().map(|a| a.iter().map(text).collect::<Vec<_>>()).unwrap_or_default();
        let elected = names(&e["elected"]);
        out.push_str(&format!(
            "<h3 id=\"election-{n}\">{}, certified <time datetime=\"{1}\">{1}</time></h3>\n<p>Elected, in order: {2} ({3}, {4} seat(s)).</p>\n",
            esc(&text(&e["id"])),
            esc(&text(&e["certified"])),
            elected.iter().map(|c| format!("<bdi>{}</bdi>", esc(c))).collect::<Vec<_>>().join(", "),
            esc(&text(&e["method"])),
            esc(&text(&e["seats"])),
        ));
        let rounds = e["rounds"].as_array().cloned().unwrap_or_default();
        let candidates: Vec<String> = rounds
            .first()
            .and_then(|r| r["votes"].as_object())
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default();
        out.push_str(&format!(
            "<table>\n<caption>Rounds of the count of {}</caption>\n<thead><tr><th scope=\"col\">Round</th><th scope=\"col\">Quota</th>",
            esc(&text(&e["id"]))
        ));
        for c in &candidates {
            out.push_str(&format!("<th scope=\"col\"><bdi>{}</bdi></th>", esc(c)));
        }
        out.push_str("<th scope=\"col\">Exhausted</th><th scope=\"col\">Decision</th></tr></thead>\n<tbody>\n");
        for r in &rounds {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td>",
                esc(&text(&r["round"])),
                esc(&short(&r["quota"]))
            ));
            for c in &candidates {
                out.push_str(&format!("<td>{}</td>", esc(&short(&r["votes"][c.as_str()]))));
            }
            let mut decision: Vec<String> =
                names(&r["elected"]).iter().map(|c| format!("elected {}", esc(c))).collect();
            decision.extend(names(&r["excluded"]).iter().map(|c| format!("excluded {}", esc(c))));
            out.push_str(&format!("<td>{}</td><td>{}</td></tr>\n", esc(&short(&r["exhausted"])), decision.join("; ")));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
    out
}
