// Package synth generates realistic, deterministic beamline inputs —
// sample_data.csv (employees) and sales_data.csv (sales), with exactly the
// reference headers — optionally salted with bad rows of every kind the
// strict reader (transforms/csvio) and the validator (transforms/records)
// reject, so that pipelines can be tested and benchmarked at any size.
//
// Every row is a pure function of the seed, the file and its position, so
// the same Config always gives byte-identical files, whatever the number of
// workers that format them in parallel.
//
// Sales run in chronological order over 2023-01-01..2024-12-31 (more on
// weekends, in November and December, and growing over time). Customers
// (about one per 50 rows) are acquired over the whole period and buy again
// over the following months, mostly in their home region; a few hundred
// products in ten categories keep a fixed price. Employees have ages, cities,
// department salary bands, hire dates and statuses, with rare valid
// outliers so that the anomaly rules fire.
//
// With Dirty > 0 about Dirty × rows of each file are bad rows (see Kind),
// each with exactly one problem, plus exact duplicates of earlier valid rows
// (valid for the validator, dropped by ingest's de-duplication) and valid
// but tricky rows (quoted commas and newlines, CRLF endings, padded fields,
// blank lines, a UTF-8 BOM).
//
// Generate writes a Report to gen_report.json in the output directory:
//
//	{
//	  "seed": 1,               // Config.Seed
//	  "dirty": 0.05,           // Config.Dirty
//	  "customers": 200000,     // customer ids in use (C0000001...)
//	  "products": 370,         // catalogue size (P1001...)
//	  "employees": {           // a FileReport, for sample_data.csv
//	    "file": "sample_data.csv",
//	    "rows": 1000,          // data records as the reader counts them (blank lines excluded)
//	    "clean": 950,          // records the reader and validator accept: rows - bad (duplicates included)
//	    "bad": 50,             // records rejected: the sum of "kinds"
//	    "duplicates": 5,       // clean records that repeat an earlier clean record's id
//	    "kinds": {"bad_quoting": 3, "field_too_long": 1, ...},  // every kind of the file, zeros included
//	    "tricky": {"blank_line": 2, "bom": 1, "crlf": 4, "padded": 3,
//	               "quoted": 3, "quoted_comma": 5, "quoted_newline": 1},  // valid rows that must be accepted
//	    "bytes": 61234         // file size
//	  },
//	  "sales": { ... }         // the same shape, for sales_data.csv
//	}
//
// In "tricky", "crlf", "padded" (blanks around every field), "quoted" (every
// field quoted) and "blank_line" (a blank or whitespace-only line before the
// row) count styled rows; "quoted_comma" and "quoted_newline" count rows with
// a value holding a comma or a newline; "bom" is 1 when the file starts with
// a UTF-8 BOM. Tricky rows only appear with Dirty > 0, except quoted commas,
// which some product and customer names hold.
package synth
