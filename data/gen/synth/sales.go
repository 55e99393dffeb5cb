package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/beamline/beamline/transforms/money"
)

// SalesFile is the sales file's name; SalesHeader its header line.
const (
	SalesFile   = "sales_data.csv"
	SalesHeader = "transaction_id,product_id,product_name,category,quantity,unit_price,total_amount,customer_id,customer_name,sale_date,region,salesperson"
)

// salesGen generates sales_data.csv: row i is transaction T{i+1}.
type salesGen struct {
	key    uint64
	dirty  bool
	tricky int // per mille of valid rows written in a tricky style
	days   *salesDays
	cust   customers
	names  []string // product names as written (multi-line ones in dirty files)
	// nameComma and nameNewline say what each name holds.
	nameComma, nameNewline []bool
	plan                   *plan
}

func newSalesGen(cfg *Config) *salesGen {
	g := &salesGen{
		key:         streamKey(cfg.Seed, streamSales),
		dirty:       cfg.Dirty > 0,
		tricky:      trickyPerMille(cfg.Dirty),
		days:        newSalesDays(cfg.Rows),
		cust:        newCustomers(cfg.Rows, cfg.Seed),
		names:       make([]string, len(catalogue)),
		nameComma:   make([]bool, len(catalogue)),
		nameNewline: make([]bool, len(catalogue)),
		plan:        newPlan(cfg.Rows, cfg.Dirty, SaleKinds(), streamKey(cfg.Seed, streamSalesPlan)),
	}
	for i, p := range catalogue {
		g.names[i] = p.name
		if g.dirty && p.multiline != "" {
			g.names[i] = p.multiline
		}
		g.nameComma[i], g.nameNewline[i], _ = scan(g.names[i])
	}
	return g
}

// trickyPerMille is how many valid rows in a thousand get a tricky style
// at a dirty rate: as many as bad rows, between 0.5% and 5%.
func trickyPerMille(dirty float64) int {
	if dirty <= 0 {
		return 0
	}
	return min(50, max(5, int(dirty*1000)))
}

func (g *salesGen) header() string { return SalesHeader }

func (g *salesGen) worker() rowWorker { return &salesWorker{g: g, r: newRowRand()} }

// sale is one generated sale, before formatting.
type sale struct {
	txn     int64
	product int
	qty     int64
	total   money.Cents
	cust    int64
	who     customer
	day     int
	region  int
	seller  int
}

// salesWorker formats sales; each parallel worker has its own.
type salesWorker struct {
	g    *salesGen
	r    *rowRand
	name []byte
}

// gen draws row i's sale from the row's own generator.
func (w *salesWorker) gen(i int64) sale {
	g, r := w.g, w.r
	r.seed(g.key, i)
	s := sale{txn: i + 1, day: g.days.day(i)}
	s.cust, s.who = g.cust.buyer(r.Rand, i)
	s.region = s.who.region
	if chance(r.Rand, 80) {
		s.region = regionPick.index(r.Rand) // travelling, or buying online
	}
	s.seller = sellerPick.index(r.Rand)
	s.product = productPick.index(r.Rand)
	price := catalogue[s.product].price
	s.qty = quantity(r.Rand.IntN(1000), price)
	s.total = price * money.Cents(s.qty)
	return s
}

// quantity is mostly 1, sometimes 2-5 and rarely 6-10; fewer for
// expensive products. x is uniform in 0..999.
func quantity(x int, price money.Cents) int64 {
	switch {
	case price >= 500_00:
		switch {
		case x < 930:
			return 1
		case x < 990:
			return 2
		}
		return 3
	case price >= 100_00:
		switch {
		case x < 780:
			return 1
		case x < 990:
			return 2 + int64(x%2)
		}
		return 4 + int64(x%2)
	}
	switch {
	case x < 620:
		return 1
	case x < 975:
		return 2 + int64(x%4)
	}
	return 6 + int64(x%5)
}

var salesStyles = [...]style{styleCRLF, styleCRLF, stylePadded, styleQuoted, styleBlank}

// style draws how a valid row is written: plain unless the file is dirty.
func (w *salesWorker) style() style {
	if !w.g.dirty || w.r.IntN(1000) >= w.g.tricky {
		return stylePlain
	}
	return salesStyles[w.r.IntN(len(salesStyles))]
}

func (w *salesWorker) valid(b []byte, i int64, st *stats) []byte {
	s := w.gen(i)
	c := cells{style: w.style()}
	if c.style == styleBlank {
		b = append(b, blankLines[w.r.IntN(len(blankLines))]...)
	}
	p := &catalogue[s.product]
	b = c.open(b)
	b = appendPadded(b, 'T', s.txn, 8)
	b = c.close(b)
	b = plain(&c, b, p.id)
	b = scanned(&c, b, w.g.names[s.product], w.g.nameComma[s.product], w.g.nameNewline[s.product], false)
	b = plain(&c, b, p.category)
	b = c.open(b)
	b = strconv.AppendInt(b, s.qty, 10)
	b = c.close(b)
	b = c.open(b)
	b = p.price.Append(b)
	b = c.close(b)
	b = c.open(b)
	b = s.total.Append(b)
	b = c.close(b)
	b = c.open(b)
	b = appendPadded(b, 'C', s.cust+1, 7)
	b = c.close(b)
	w.name = s.who.name.appendName(w.name[:0], " ")
	b = scanned(&c, b, w.name, s.who.name.hasComma(), false, false)
	b = plain(&c, b, w.g.days.text[s.day])
	b = plain(&c, b, regions[s.region].name)
	b = plain(&c, b, regions[s.region].salespeople[s.seller])
	b = c.end(b)
	st.count(&c)
	return b
}

// values is row i's sale as plain field values, in SalesHeader order.
func (w *salesWorker) values(s *sale) []string {
	p := &catalogue[s.product]
	return []string{
		string(appendPadded(nil, 'T', s.txn, 8)), p.id, w.g.names[s.product], p.category,
		strconv.FormatInt(s.qty, 10), p.price.String(), s.total.String(),
		string(appendPadded(nil, 'C', s.cust+1, 7)), s.who.name.String(), w.g.days.text[s.day],
		regions[s.region].name, regions[s.region].salespeople[s.seller],
	}
}

// Sales columns, as indexes into a row.
const (
	sTxn = iota
	sProductID
	sProduct
	sCategory
	sQty
	sPrice
	sTotal
	sCustomerID
	sCustomer
	sDate
	sRegion
	sSeller
)

func (w *salesWorker) bad(b []byte, i int64, k Kind) []byte {
	s := w.gen(i)
	r := w.r.Rand
	row := plainCells(w.values(&s))
	price := catalogue[s.product].price
	switch k {
	case WrongFieldCount:
		row = wrongFieldCount(r, row)
	case BadQuoting:
		switch r.IntN(3) {
		case 0:
			row[sCustomer] = cell{v: nicknamed(r, row[sCustomer].v), raw: true}
		case 1:
			row[sSeller] = cell{v: nicknamed(r, row[sSeller].v), raw: true}
		default:
			row[sProduct] = cell{v: textAfterQuote(r, row[sProduct].v), raw: true}
		}
	case MissingValue:
		row[r.IntN(len(row))] = blank(r)
	case NotAnInteger:
		row[sQty].v = notAnInteger(r, row[sQty].v)
	case OutOfRange:
		switch r.IntN(3) {
		case 0:
			row[sQty].v, row[sTotal].v = "0", "0.00"
		case 1: // a return typed as a negative sale
			row[sQty].v, row[sTotal].v = "-"+row[sQty].v, "-"+row[sTotal].v
		default:
			row[sQty].v = overflow
		}
	case NotANumber:
		if chance(r, 500) {
			row[sPrice].v = notANumber(r, price)
		} else {
			row[sTotal].v = notANumber(r, s.total)
		}
	case TooManyDecimals:
		if chance(r, 500) {
			row[sPrice].v = tooManyDecimals(r, price)
		} else {
			row[sTotal].v = tooManyDecimals(r, s.total)
		}
	case NonPositiveAmount:
		switch r.IntN(3) {
		case 0:
			row[sPrice].v, row[sTotal].v = oneOf(r, "0", "0.00"), "0.00"
		case 1:
			row[sPrice].v, row[sTotal].v = "-"+row[sPrice].v, "-"+row[sTotal].v
		default:
			row[sTotal].v = "-" + row[sTotal].v
		}
	case ImpossibleDate:
		row[sDate].v = impossibleDate(r, w.g.days.date[s.day])
	case InvalidUTF8:
		f := []int{sProduct, sCategory, sCustomer, sRegion, sSeller}[r.IntN(5)]
		row[f].v = invalidUTF8(r, row[f].v)
	case FieldTooLong:
		row[sProduct].v = longValue
	case UnterminatedQuote:
		rest := make([]string, 0, len(row))
		for _, c := range row[sProduct:] {
			rest = append(rest, c.v)
		}
		row[sProduct] = cell{v: `"` + strings.Join(rest, ","), raw: true}
		row = row[:sProduct+1]
	case TotalMismatch:
		row[sTotal].v = mismatchedTotal(r, s.qty, price).String()
	}
	return appendRecord(b, row)
}

// mismatchedTotal is a total off quantity × price by more than a cent: a
// forgotten quantity, or a typo.
func mismatchedTotal(r *rand.Rand, qty int64, price money.Cents) money.Cents {
	want := price * money.Cents(qty)
	if qty > 1 && r.Int64N(3) == 0 {
		return price
	}
	delta := money.Cents(2 + r.Int64N(5000))
	if r.Int64N(2) == 0 && want-delta >= 0 {
		return want - delta
	}
	return want + delta
}
