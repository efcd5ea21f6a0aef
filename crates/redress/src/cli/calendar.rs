//! `redress calendar …`: the working-day calendar on the command line. Other tools rely on
//! this exact interface and output format (issue 2), so change it only compatibly.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use redress_calendar::{parse_overrides, Adjustment, Calendar, Region, FIRST_YEAR, LAST_YEAR};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print every bank holiday as observed, one per line: `YYYY-MM-DD<TAB>Name`.
    Holidays {
        #[arg(long)]
        region: String,
        /// First year (1970-2200).
        #[arg(long)]
        from: i32,
        /// Last year (1970-2200).
        #[arg(long)]
        to: i32,
        /// Operator overrides file (TOML) applied on top of the rules.
        #[arg(long)]
        overrides: Option<PathBuf>,
    },
    /// Print the date N working days after DATE (a non-working DATE rolls forward first and
    /// counts as day 0). Without --date, read `YYYY-MM-DD N` lines from standard input.
    AddWorkingDays {
        #[arg(long)]
        region: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        days: Option<String>,
        #[arg(long)]
        overrides: Option<PathBuf>,
    },
    /// Print how many working days TO is after FROM (working days in (FROM, TO]).
    WorkingDaysBetween {
        #[arg(long)]
        region: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        overrides: Option<PathBuf>,
    },
}

pub fn run(cmd: CalendarCommand) -> Result<()> {
    let cal = cmd.calendar()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cmd {
        CalendarCommand::Holidays { from, to, .. } => {
            for year in [from, to] {
                if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
                    bail!("year {year} is outside the supported range {FIRST_YEAR}-{LAST_YEAR}");
                }
            }
            if from > to {
                bail!("--from {from} is after --to {to}");
            }
            for h in cal.holidays(from, to) {
                writeln!(out, "{}\t{}", h.date, h.name)?;
            }
        }
        CalendarCommand::AddWorkingDays { date, days, .. } => match (date, days) {
            (Some(date), Some(days)) => {
                let d = cal.add_working_days(parse_date(&date)?, parse_days(&days)?);
                writeln!(out, "{d}")?;
            }
            (None, None) => batch(&cal, io::stdin().lock(), &mut out)?,
            _ => bail!("give both --date and --days, or neither to read lines from stdin"),
        },
        CalendarCommand::WorkingDaysBetween { from, to, .. } => {
            writeln!(
                out,
                "{}",
                cal.working_days_between(parse_date(&from)?, parse_date(&to)?)
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

impl CalendarCommand {
    /// The region's calendar with the overrides file applied, which every subcommand needs.
    fn calendar(&self) -> Result<Calendar> {
        let (CalendarCommand::Holidays {
            region, overrides, ..
        }
        | CalendarCommand::AddWorkingDays {
            region, overrides, ..
        }
        | CalendarCommand::WorkingDaysBetween {
            region, overrides, ..
        }) = self;
        calendar(region, overrides.as_deref())
    }
}

fn calendar(region: &str, overrides: Option<&Path>) -> Result<Calendar> {
    let region: Region = region.parse()?;
    let adjustments: Vec<Adjustment> = match overrides {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read overrides file {}", path.display()))?;
            parse_overrides(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Vec::new(),
    };
    Ok(Calendar::with_adjustments(region, &adjustments))
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("{s:?} is not a date: write it as YYYY-MM-DD"))
}

fn parse_days(s: &str) -> Result<u32> {
    let n: i64 = s
        .trim()
        .parse()
        .with_context(|| format!("{s:?} is not a whole number of days"))?;
    if n < 0 {
        bail!("the number of working days must not be negative (got {n})");
    }
    u32::try_from(n).with_context(|| format!("{n} working days is too many"))
}

/// Batch mode: `YYYY-MM-DD N` per line in, one date per line out. Stops at the first bad
/// line, naming it, so a script never gets silently misaligned output.
fn batch(cal: &Calendar, input: impl BufRead, out: &mut impl Write) -> Result<()> {
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(date), Some(days), None) = (parts.next(), parts.next(), parts.next()) else {
            bail!("line {}: expected `YYYY-MM-DD N`, got {line:?}", i + 1);
        };
        let parsed = parse_date(date).and_then(|d| Ok((d, parse_days(days)?)));
        let (date, days) = parsed.with_context(|| format!("line {}", i + 1))?;
        writeln!(out, "{}", cal.add_working_days(date, days))?;
    }
    Ok(())
}
