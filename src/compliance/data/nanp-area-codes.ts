import type { DatasetMeta } from "../types.js";

// Hand-written audit table (2026-11-30): every geographic NANP area code of the US, its territories
// and Canada → presumed state/province and EVERY IANA zone used anywhere in the area or in the
// region it overlays. A number known only by its area code may be anywhere in that area, so the gate
// must honour all of them (it intersects their windows). No exchange-level narrowing is applied: the
// only exchange-level source at hand (libphonenumber map_data.txt) is "internal statistics
// (2018-06-12)" and gives every exchange opened since then its area's single default zone.
// Sources (keys used per line below) are described in README.md with their dates and licences.

/** Where each line comes from; README.md gives dates, licences and what was checked. */
export const nanpSources = {
  /** Area code → state/province and overlay relations. */
  npa: "libphonenumber geocoding/en/1.txt @f7e3e88c92b9 (2026-07-17) + libphonenumber-js 1.13.16 metadata (NANPA/CNA assignments)",
  /** A state/province in one zone: its zone from IANA tz 2026f zone1970.tab. */
  tz: "IANA tz 2026f zone1970.tab / northamerica (zones in use per state and province)",
  /** An area crossing a zone line: county lists of 49 CFR 71, tz comments, libphonenumber map_data.txt (2018) as floor. */
  split:
    "49 CFR 71.5-71.11 county lists + IANA tz 2026f comments; libphonenumber map_data.txt (2018) cross-checked",
  /** A place keeping a time other than its legal zone (unofficial observance). */
  unofficial: "observed local practice named in IANA tz comments / municipal notices (not in 49 CFR 71)",
} as const;
export type NanpSource = keyof typeof nanpSources;

export const nanpAreaCodesMeta: DatasetMeta = {
  id: "nanp-area-codes",
  version: "2026.11.30",
  effectiveFrom: "2026-11-30",
  sources: Object.values(nanpSources),
  notes: [
    "Zones are every zone of the area or the region it overlays; exchange-level narrowing is not applied.",
    "An area code missing here is unknown to the gate (fail closed), never a default.",
  ],
};

/** One geographic area code: presumed residence and every zone a number in it may be in. */
export interface NanpArea {
  /** Jurisdictions presumed from the area code (`US-FL`, `CA-BC`; `CA` alone when the province is not known). */
  readonly regions: readonly string[];
  /** Every IANA zone used somewhere in the area (or the region it overlays). */
  readonly zones: readonly string[];
  readonly source: NanpSource;
  /** Date this line was last checked against its source. */
  readonly checked: string;
  readonly note?: string;
}

const CHECKED = "2026-11-30";
const ET = "America/New_York";
const CT = "America/Chicago";
const MT = "America/Denver";
const PT = "America/Los_Angeles";
const DETROIT = "America/Detroit";
const INDY = "America/Indiana/Indianapolis";
const LOUISVILLE = "America/Kentucky/Louisville";
const TORONTO = "America/Toronto";
const HALIFAX = "America/Halifax";
const EDMONTON = "America/Edmonton";
const BC_ALL = [
  "America/Vancouver",
  EDMONTON, // East Kootenay keeps Alberta's time (tz 2026f); RDEK may change again (tz comments)
  "America/Creston", // Creston valley: MST all year
  "America/Dawson_Creek", // Peace River: MST all year
  "America/Fort_Nelson", // Northern Rockies: MST all year since 2015
];

const table: Record<string, NanpArea> = {};
function area(
  codes: string,
  regions: string | readonly string[],
  zones: readonly string[],
  source: NanpSource,
  note?: string,
): void {
  const list = typeof regions === "string" ? [regions] : regions;
  for (const code of codes.split(" ")) {
    if (table[code]) throw new Error(`nanp-area-codes: ${code} listed twice`);
    table[code] = Object.freeze({
      regions: Object.freeze([...list]),
      zones: Object.freeze([...zones]),
      source,
      checked: CHECKED,
      ...(note ? { note } : {}),
    });
  }
}

// --- United States: single-zone areas (state's one zone) ---
area("205 251 256 659 938", "US-AL", [CT], "tz");
area("327 479 501 870", "US-AR", [CT], "tz");
area("480 520 602 623", "US-AZ", ["America/Phoenix"], "tz", "no DST outside the Navajo Nation (928)");
area(
  "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951",
  "US-CA",
  [PT],
  "tz",
);
area("303 719 720 748 970 983", "US-CO", [MT], "tz");
area("203 475 860 959", "US-CT", [ET], "tz");
area("302", "US-DE", [ET], "tz");
area("202 771", "US-DC", [ET], "tz");
area(
  "239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954",
  "US-FL",
  [ET],
  "tz",
);
area("229 404 470 478 678 706 762 770 912 943", "US-GA", [ET], "tz");
area("808", "US-HI", ["Pacific/Honolulu"], "tz");
area("217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 872", "US-IL", [CT], "tz");
area("260 317 463 765", "US-IN", [INDY], "tz");
area("319 515 563 641 712", "US-IA", [CT], "tz");
area("316 913", "US-KS", [CT], "tz");
area("502 859", "US-KY", [LOUISVILLE], "tz");
area("225 318 337 504 985", "US-LA", [CT], "tz");
area("207", "US-ME", [ET], "tz");
area("227 240 301 410 443 667", "US-MD", [ET], "tz");
area("339 351 413 508 617 774 781 857 978", "US-MA", [ET], "tz");
area("231 248 269 313 517 586 616 734 810 947 989", "US-MI", [DETROIT], "tz");
area("218 320 507 612 651 763 952", "US-MN", [CT], "tz");
area("228 601 662 769", "US-MS", [CT], "tz");
area("235 314 417 557 573 636 660 816 975", "US-MO", [CT], "tz");
area("406", "US-MT", [MT], "tz");
area("702 725", "US-NV", [PT], "tz");
area("603", "US-NH", [ET], "tz");
area("201 551 609 640 732 848 856 862 908 973", "US-NJ", [ET], "tz");
area("505 575", "US-NM", [MT], "tz");
area(
  "212 315 329 332 347 363 516 518 585 607 631 646 680 716 718 838 845 914 917 929 934",
  "US-NY",
  [ET],
  "tz",
);
area("252 336 472 704 743 828 910 919 980 984", "US-NC", [ET], "tz");
area("216 220 234 283 326 330 380 419 440 513 567 614 740 937", "US-OH", [ET], "tz");
area("405 539 572 918", "US-OK", [CT], "tz");
area("503 971", "US-OR", [PT], "tz");
area("215 223 267 272 412 445 484 570 582 610 717 724 814 835 878", "US-PA", [ET], "tz");
area("401", "US-RI", [ET], "tz");
area("803 821 839 843 854 864", "US-SC", [ET], "tz");
area("615 629 731 901 931", "US-TN", [CT], "tz");
area("865", "US-TN", [ET], "tz");
area(
  "210 214 254 281 325 346 361 409 430 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979",
  "US-TX",
  [CT],
  "tz",
);
area("385 435 801", "US-UT", [MT], "tz");
area("802", "US-VT", [ET], "tz");
area("276 434 540 571 686 703 757 804 826 948", "US-VA", [ET], "tz");
area("206 253 360 425 509 564", "US-WA", [PT], "tz");
area("262 274 353 414 534 608 715 920", "US-WI", [CT], "tz");
area("304 681", "US-WV", [ET], "tz");
area("307", "US-WY", [MT], "tz");
// --- United States: areas crossing a zone line (or overlaying one that does) ---
area(
  "907",
  "US-AK",
  [
    "America/Anchorage",
    "America/Juneau",
    "America/Sitka",
    "America/Yakutat",
    "America/Nome",
    "America/Metlakatla",
    "America/Adak",
  ],
  "split",
  "Aleutians west of 169°30'W (Adak, Atka) on Hawaii-Aleutian time; Unalaska (907-581) is on Alaska time, not Honolulu",
);
area("928", "US-AZ", ["America/Phoenix", MT], "split", "Navajo Nation observes DST (America/Denver)");
area(
  "850 448",
  "US-FL",
  [CT, ET],
  "split",
  "panhandle west of the Apalachicola on Central; 448 overlays 850",
);
area("208 986", "US-ID", ["America/Boise", PT], "split", "north Idaho on Pacific; 986 overlays 208");
area(
  "219",
  "US-IN",
  [CT, INDY],
  "split",
  "Lake, Porter, LaPorte, Jasper, Newton on Central; libphonenumber has Eastern exchanges",
);
area(
  "574",
  "US-IN",
  [INDY, "America/Indiana/Winamac", "America/Indiana/Knox"],
  "split",
  "Starke County (Knox) on Central",
);
area(
  "812 930",
  "US-IN",
  [
    INDY,
    "America/Indiana/Vincennes",
    "America/Indiana/Petersburg",
    "America/Indiana/Marengo",
    "America/Indiana/Vevay",
    "America/Indiana/Tell_City",
    CT,
  ],
  "split",
  "Evansville area and Perry County on Central; 930 overlays 812",
);
area("620 785", "US-KS", [CT, MT], "split", "Greeley, Hamilton (620), Sherman, Wallace (785) on Mountain");
area(
  "270 364",
  "US-KY",
  [CT, LOUISVILLE],
  "split",
  "western KY on Central, some 270 counties Eastern; 364 overlays 270",
);
area(
  "606",
  "US-KY",
  [LOUISVILLE, "America/Kentucky/Monticello", CT],
  "split",
  "Clinton, Cumberland, Russell on Central",
);
area(
  "906",
  "US-MI",
  [DETROIT, "America/Menominee"],
  "split",
  "Gogebic, Iron, Dickinson, Menominee on Central",
);
area("308", "US-NE", [CT, MT], "split", "Panhandle and west on Mountain");
area(
  "402 531",
  "US-NE",
  [CT, MT],
  "split",
  "western Cherry County (Cody, 402) on Mountain; 531 overlays 402",
);
area("775", "US-NV", [PT, MT], "split", "West Wendover on Mountain (49 CFR 71.10); Jackpot unofficially");
area(
  "701",
  "US-ND",
  [CT, "America/North_Dakota/Center", "America/North_Dakota/New_Salem", "America/North_Dakota/Beulah", MT],
  "split",
  "south-west ND on Mountain",
);
area("541 458", "US-OR", [PT, "America/Boise"], "split", "Malheur County on Mountain; 458 overlays 541");
area("605", "US-SD", [CT, MT], "split", "west river SD on Mountain");
area("423", "US-TN", [ET, CT], "split", "Bledsoe, Marion, Sequatchie on Central");
area("915", "US-TX", [MT], "split", "El Paso and Hudspeth counties: Mountain (49 CFR 71.9)");
area("432", "US-TX", [CT, MT], "unofficial", "Culberson County (Van Horn) keeps Mountain time unofficially");
area("580", "US-OK", [CT, MT], "unofficial", "Kenton (Cimarron County) keeps Mountain time unofficially");
area(
  "334",
  "US-AL",
  [CT, ET],
  "unofficial",
  "Phenix City and Lee/Russell counties keep Eastern time unofficially",
);

// --- US territories ---
area("787 939", "US-PR", ["America/Puerto_Rico"], "tz");
area("340", "US-VI", ["America/St_Thomas"], "tz");
area("671", "US-GU", ["Pacific/Guam"], "tz");
area("670", "US-MP", ["Pacific/Saipan"], "tz");
area("684", "US-AS", ["Pacific/Pago_Pago"], "tz");

// --- Canada ---
area("604", "CA-BC", ["America/Vancouver"], "split", "Lower Mainland only");
area(
  "236 250 257 672 778",
  "CA-BC",
  BC_ALL,
  "split",
  "250 is the rest of BC; 236/672/778 overlay 604+250; 257 overlays all of BC",
);
area("368 403 587 780 825", "CA-AB", [EDMONTON], "tz", "Lloydminster (780) keeps Alberta time");
area(
  "306 474 639",
  "CA-SK",
  ["America/Regina", "America/Swift_Current", EDMONTON, "America/Winnipeg"],
  "split",
  "no DST except Lloydminster (Alberta time) and Creighton/Denare Beach (Manitoba time)",
);
area("204 431 584", "CA-MB", ["America/Winnipeg"], "tz");
area("226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 942", "CA-ON", [TORONTO], "tz");
area(
  "807",
  "CA-ON",
  [TORONTO, "America/Winnipeg", "America/Atikokan"],
  "split",
  "Kenora/Rainy River on Central (tz: Winnipeg), Atikokan on EST all year",
);
area("263 354 438 450 468 514 579 819 873", "CA-QC", [TORONTO], "tz");
area(
  "418 581 367",
  "CA-QC",
  [TORONTO, HALIFAX, "America/Blanc-Sablon"],
  "split",
  "Magdalen Islands on Atlantic; Lower North Shore east of 63°W on AST all year; 581/367 overlay 418",
);
area("506 428", "CA-NB", ["America/Moncton"], "tz");
area("902 782", ["CA-NS", "CA-PE"], [HALIFAX], "tz");
area(
  "709 879",
  "CA-NL",
  ["America/St_Johns", "America/Goose_Bay", "America/Puerto_Rico"],
  "split",
  "Labrador on Atlantic; libphonenumber also lists AST without DST; 879 overlays 709",
);
area(
  "867",
  ["CA-YT", "CA-NT", "CA-NU"],
  [
    "America/Whitehorse",
    "America/Dawson",
    EDMONTON, // Yellowknife (link)
    "America/Inuvik",
    "America/Iqaluit",
    "America/Rankin_Inlet",
    "America/Resolute",
    "America/Cambridge_Bay",
    "America/Atikokan", // Coral Harbour (Southampton Island): EST all year
  ],
  "split",
  "Yukon (UTC-7 all year), Northwest Territories, Nunavut",
);
area(
  "273",
  "CA",
  [
    ...BC_ALL,
    "America/Regina",
    "America/Swift_Current",
    "America/Winnipeg",
    TORONTO,
    "America/Atikokan",
    "America/Blanc-Sablon",
    HALIFAX,
    "America/Moncton",
    "America/Goose_Bay",
    "America/St_Johns",
    "America/Whitehorse",
    "America/Dawson",
    "America/Inuvik",
    "America/Iqaluit",
    "America/Rankin_Inlet",
    "America/Resolute",
    "America/Cambridge_Bay",
  ],
  "npa",
  "valid for Canada in libphonenumber-js 1.13.16, province not in any source at hand: every Canadian zone",
);

/** Geographic NANP area code → presumed jurisdictions and every zone of the area. */
export const nanpAreaCodes: Readonly<Record<string, NanpArea>> = Object.freeze(table);
