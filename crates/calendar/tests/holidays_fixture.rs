//! The holidays of every region and every year 1995–2045 equal the committed fixture (see
//! tests/fixtures/README.md for where each date comes from).

use redress_calendar::{Calendar, Region};

fn fixture(region: Region) -> &'static str {
    match region {
        Region::EnglandAndWales => {
            include_str!("fixtures/holidays-1995-2045-england-and-wales.tsv")
        }
        Region::Scotland => include_str!("fixtures/holidays-1995-2045-scotland.tsv"),
        Region::NorthernIreland => include_str!("fixtures/holidays-1995-2045-northern-ireland.tsv"),
    }
}

#[test]
fn every_region_1995_to_2045_matches_the_official_record() {
    for region in Region::ALL {
        let actual: Vec<String> = Calendar::for_region(region)
            .holidays(1995, 2045)
            .into_iter()
            .map(|h| format!("{}\t{}", h.date, h.name))
            .collect();
        let expected: Vec<&str> = fixture(region).lines().collect();
        for (a, e) in actual.iter().zip(&expected) {
            assert_eq!(a, e, "{region}: first difference");
        }
        assert_eq!(actual.len(), expected.len(), "{region}: number of holidays");
    }
}

#[test]
fn regions_differ_where_the_law_differs() {
    let count = |r, y| Calendar::for_region(r).holidays(y, y).len();
    // 2025: 8 in England and Wales, 9 in Scotland, 10 in Northern Ireland.
    assert_eq!(count(Region::EnglandAndWales, 2025), 8);
    assert_eq!(count(Region::Scotland, 2025), 9);
    assert_eq!(count(Region::NorthernIreland, 2025), 10);
}

#[test]
fn rules_cover_1970_to_2200_without_gaps() {
    for region in Region::ALL {
        let cal = Calendar::for_region(region);
        for year in 1978..=2200 {
            let n = cal.holidays(year, year).len();
            assert!((7..=12).contains(&n), "{region} {year}: {n} holidays");
        }
    }
}
