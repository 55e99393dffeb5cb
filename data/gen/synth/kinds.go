package synth

// Kind is one way a bad row is broken. Each bad row has exactly one problem,
// so that the reader or the validator rejects it for that reason.
type Kind uint8

// The kinds of bad rows, in report order.
const (
	WrongFieldCount   Kind = iota // too few or too many fields
	BadQuoting                    // a bare '"' in an unquoted field, or text after a closing quote
	MissingValue                  // an empty (or blank) required field
	NotAnInteger                  // id, age or quantity like "abc" or "2.5"
	OutOfRange                    // id <= 0, age outside 1..120, quantity < 1, or an integer overflowing int64
	NotANumber                    // money like "1e5", "75,000", "NaN", "Inf"
	TooManyDecimals               // money with three or more decimals
	NonPositiveAmount             // salary or unit_price <= 0, total_amount < 0
	ImpossibleDate                // 2023-02-30, 2023-13-01, 15/03/2021, "yesterday"
	InvalidUTF8                   // a text field holding bytes that are not UTF-8
	FieldTooLong                  // one field of about 1 MiB (at most one per file)
	UnterminatedQuote             // a quoted field never closed: only ever the last record
	TotalMismatch                 // total_amount off quantity × unit_price by more than 0.01 (sales)

	numKinds
	// kindDuplicate marks a plan event that copies an earlier valid row.
	kindDuplicate = numKinds
)

var kindNames = [numKinds]string{
	"wrong_field_count", "bad_quoting", "missing_value", "not_an_integer", "out_of_range",
	"not_a_number", "too_many_decimals", "non_positive_amount", "impossible_date",
	"invalid_utf8", "field_too_long", "unterminated_quote", "total_mismatch",
}

// String returns the kind's snake_case name, as used in the report.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "duplicate"
}

// EmployeeKinds are the kinds of bad rows sample_data.csv gets, in the
// order they are given out when there are fewer bad rows than kinds.
func EmployeeKinds() []Kind {
	return []Kind{
		MissingValue, WrongFieldCount, BadQuoting, NotAnInteger, OutOfRange, NotANumber,
		TooManyDecimals, NonPositiveAmount, ImpossibleDate, InvalidUTF8, FieldTooLong, UnterminatedQuote,
	}
}

// SaleKinds are the kinds of bad rows sales_data.csv gets: the employee
// kinds and TotalMismatch.
func SaleKinds() []Kind {
	return append(EmployeeKinds(), TotalMismatch)
}

// kindWeight is each kind's share of the bad rows beyond one of each.
var kindWeight = [numKinds]int64{
	WrongFieldCount: 3, BadQuoting: 2, MissingValue: 4, NotAnInteger: 2, OutOfRange: 2,
	NotANumber: 2, TooManyDecimals: 1, NonPositiveAmount: 2, ImpossibleDate: 3,
	InvalidUTF8: 2, TotalMismatch: 3,
	// FieldTooLong and UnterminatedQuote: one at most.
}

// allocate splits bad rows among kinds: one of each first (in list order
// when there are fewer bad rows than kinds), the rest in proportion to
// kindWeight by largest remainder, so the counts are exact and stable.
func allocate(bad int64, kinds []Kind) [numKinds]int64 {
	var counts [numKinds]int64
	for _, k := range kinds {
		if bad == 0 {
			return counts
		}
		counts[k] = 1
		bad--
	}
	var total int64
	for _, k := range kinds {
		total += kindWeight[k]
	}
	if bad == 0 || total == 0 {
		return counts
	}
	var rem [numKinds]int64
	given := int64(0)
	for _, k := range kinds {
		share := bad * kindWeight[k]
		counts[k] += share / total
		given += share / total
		rem[k] = share % total
	}
	for ; given < bad; given++ {
		best := Kind(0)
		bestRem := int64(-1)
		for _, k := range kinds {
			if kindWeight[k] > 0 && rem[k] > bestRem {
				best, bestRem = k, rem[k]
			}
		}
		counts[best]++
		rem[best] = -1
	}
	return counts
}
