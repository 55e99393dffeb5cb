// Command plain computes the 11 datasets of pipelines/sales in one careful
// single-threaded pass over sales_data.csv, for the benchmark: the
// practical limit of the work. It reads the file in large blocks, splits
// records in place (no allocation per field), keeps money in integer
// cents, interns the group keys into dense ids, and counts distinct
// customers per region and salesperson with bitsets over dense customer
// ids. It writes the same datasets as the pipeline, as CSV with a header,
// under <output>/pig/<name>/part-00000.csv.
//
//	plain --input DIR --output DIR
//
// It checks only what it must to compute (numbers and dates parse, every
// record has the header's number of fields): the input must be clean (the
// generator's output with --dirty 0).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
)

func main() {
	input := flag.String("input", "", "directory holding sales_data.csv (required unless --sales)")
	sales := flag.String("sales", "", "the sales file (default <input>/sales_data.csv)")
	output := flag.String("output", "", "results root: datasets go to <output>/pig (required)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `plain — the sales datasets in one single-threaded pass (the benchmark's practical limit)

Usage: plain --input DIR --output DIR

Reads <input>/sales_data.csv and writes the 11 datasets of pipelines/sales
as CSV with a header under <output>/pig/<name>/part-00000.csv.

Flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || (*input == "" && *sales == "") || *output == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *sales == "" {
		*sales = filepath.Join(*input, "sales_data.csv")
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "plain: %v\n", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	n, err := run(*sales, *output)
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintf(os.Stderr, "plain: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("plain sales: read %d; wrote 11 datasets to %s\n", n, filepath.Join(*output, "pig"))
}

// The columns the pass needs.
const (
	colTransaction = iota
	colProductName
	colCategory
	colQuantity
	colUnitPrice
	colTotal
	colCustomerID
	colCustomerName
	colDate
	colRegion
	colSalesperson
	numCols
)

var columnNames = [numCols]string{"transaction_id", "product_name", "category", "quantity", "unit_price",
	"total_amount", "customer_id", "customer_name", "sale_date", "region", "salesperson"}

// totals accumulates a group of sales, money in cents.
type totals struct {
	n, revenue, units, prices int64
}

func (t *totals) add(qty, price, total int64) {
	t.n++
	t.revenue += total
	t.units += qty
	t.prices += price
}

func (t *totals) merge(o *totals) {
	t.n += o.n
	t.revenue += o.revenue
	t.units += o.units
	t.prices += o.prices
}

// groups is a grouping of sales: group keys interned into dense ids, each
// with its totals.
type groups struct{ dict[totals] }

// add adds a sale to key's group and returns the group's id.
func (g *groups) add(key []byte, qty, price, total int64) int32 {
	id, t := g.get(key)
	t.add(qty, price, total)
	return id
}

// named is one group, for sorting.
type named struct {
	id  int32
	key string
	t   totals
}

// sorted returns the groups by revenue, largest first, ties by key.
func (g *groups) sorted() []named {
	out := make([]named, 0, g.n)
	for _, e := range g.all() {
		out = append(out, named{e.id - 1, e.k.String(), e.v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].t.revenue != out[j].t.revenue {
			return out[i].t.revenue > out[j].t.revenue
		}
		return out[i].key < out[j].key
	})
	return out
}

// customer is one customer_id's record, with the customer_name of its
// latest sale (by date, then by position in the file) and the regions and
// salespeople it bought from (group ids below 128 inline, the others in the
// groups' bitsets).
type customer struct {
	orders, spent, items int64
	nameDay              int32
	name                 text
	regions, people      [2]uint64
}

// text is a short string held inline (no pointer to follow), or a long one.
type text struct {
	n     int32
	short [20]byte
	long  string
}

func (t *text) set(b []byte) {
	t.n = int32(len(b))
	if len(b) <= len(t.short) {
		copy(t.short[:], b)
		t.long = ""
	} else {
		t.long = string(b)
	}
}

func (t *text) equal(b []byte) bool {
	if int(t.n) != len(b) {
		return false
	}
	if len(b) <= len(t.short) {
		return string(t.short[:len(b)]) == string(b)
	}
	return t.long == string(b)
}

func (t *text) String() string {
	if int(t.n) <= len(t.short) {
		return string(t.short[:t.n])
	}
	return t.long
}

// dict interns byte strings into dense ids (0, 1, …), each with a value V:
// an open-addressing hash table whose slots hold the entries themselves,
// keys inline, so that a lookup touches one slot (one or two cache lines)
// and does not allocate.
type dict[V any] struct {
	slots []entry[V]
	n     int
}

type entry[V any] struct {
	tag uint32 // the hash's high 32 bits
	id  int32  // id+1; 0 is an empty slot
	k   text
	v   V
}

var seed = maphash.MakeSeed()

// get returns key's id and value, adding it when new.
func (d *dict[V]) get(key []byte) (int32, *V) {
	if 2*(d.n+1) > len(d.slots) {
		d.grow()
	}
	h := maphash.Bytes(seed, key)
	tag := uint32(h >> 32)
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &d.slots[i]
		if e.id == 0 {
			d.n++
			e.tag, e.id = tag, int32(d.n)
			e.k.set(key)
			return e.id - 1, &e.v
		}
		if e.tag == tag && e.k.equal(key) {
			return e.id - 1, &e.v
		}
	}
}

// grow doubles the slots and moves every entry.
func (d *dict[V]) grow() {
	old := d.slots
	d.slots = make([]entry[V], max(64, 2*len(old)))
	mask := uint64(len(d.slots) - 1)
	for j := range old {
		if old[j].id == 0 {
			continue
		}
		h := maphash.String(seed, old[j].k.String())
		i := h & mask
		for d.slots[i].id != 0 {
			i = (i + 1) & mask
		}
		d.slots[i] = old[j]
	}
}

// all returns the entries, in id order.
func (d *dict[V]) all() []*entry[V] {
	out := make([]*entry[V], d.n)
	for i := range d.slots {
		if e := &d.slots[i]; e.id != 0 {
			out[e.id-1] = e
		}
	}
	return out
}

// bitset is a set of dense customer ids.
type bitset []uint64

func (b *bitset) set(i int32) {
	w := int(i >> 6)
	if w >= len(*b) {
		*b = append(*b, make(bitset, w+1-len(*b)+len(*b)/2)...)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

func (b bitset) count() int64 {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return int64(n)
}

// mark records that customer id bought in group g: inline for g < 128,
// else in the group's bitset.
func mark(inline *[2]uint64, sets *[]bitset, g, id int32) {
	if g < 128 {
		inline[g>>6] |= 1 << (uint(g) & 63)
		return
	}
	for int(g) >= len(*sets) {
		*sets = append(*sets, nil)
	}
	(*sets)[g].set(id)
}

// distinct counts, for each of n groups, the customers who bought in it.
func distinct(customers []*entry[customer], inline func(*customer) [2]uint64, sets []bitset, n int) []int64 {
	counts := make([]int64, n)
	for _, c := range customers {
		for w, word := range inline(&c.v) {
			for word != 0 {
				counts[w*64+bits.TrailingZeros64(word)]++
				word &= word - 1
			}
		}
	}
	for g := 128; g < len(sets) && g < n; g++ {
		counts[g] = sets[g].count()
	}
	return counts
}

// state is everything the pass accumulates.
type state struct {
	col                               [numCols]int // a column's index in a record
	all                               totals
	category, region, person, product groups
	basket                            [3]totals
	days                              map[int32]*totals
	lastDate                          [10]byte
	lastDay                           int32
	lastTotals                        *totals
	customers                         dict[customer]
	regionSets, personSets            []bitset // groups from id 128 on
	anomalies                         *bufio.Writer
	row                               []byte // one anomaly row
}

// run computes every dataset of salesFile under output and returns how
// many sales it read.
func run(salesFile, output string) (int64, error) {
	f, err := os.Open(salesFile)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	anomaliesFile, err := create(output, "sales_anomalies")
	if err != nil {
		return 0, err
	}
	defer anomaliesFile.Close()
	st := &state{
		days: map[int32]*totals{}, lastDay: -1 << 31,
		anomalies: bufio.NewWriterSize(anomaliesFile, 1<<20),
	}
	st.anomalies.WriteString("transaction_id,product_name,quantity,unit_price,total_amount,customer_name,anomaly_type\n")
	n, err := st.scan(f)
	if err != nil {
		return n, fmt.Errorf("%s: %w", salesFile, err)
	}
	if err := st.anomalies.Flush(); err != nil {
		return n, err
	}
	if err := anomaliesFile.Close(); err != nil {
		return n, err
	}
	return n, st.write(output)
}

// create creates <output>/pig/<name>/part-00000.csv.
func create(output, name string) (*os.File, error) {
	dir := filepath.Join(output, "pig", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.Create(filepath.Join(dir, "part-00000.csv"))
}

// scan reads every record of r into the state and returns how many data
// records there were.
func (st *state) scan(r io.Reader) (int64, error) {
	buf := make([]byte, 4<<20)
	start, end, eof := 0, 0, false
	var fields [][]byte
	var scratch []byte
	width := -1
	var rows, line int64
	for {
		rec, next, ok := record(buf[start:end], eof)
		if !ok {
			if eof {
				if width < 0 {
					return 0, errors.New("no header")
				}
				return rows, nil
			}
			// Move the partial record to the front and read more.
			end = copy(buf, buf[start:end])
			start = 0
			if end == len(buf) {
				buf = append(buf, make([]byte, len(buf))...)
			}
			m, err := io.ReadFull(r, buf[end:])
			end += m
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				eof = true
			} else if err != nil {
				return rows, err
			}
			continue
		}
		start += next
		line++
		if len(rec) > 0 && rec[len(rec)-1] == '\r' {
			rec = rec[:len(rec)-1]
		}
		if len(rec) == 0 {
			continue // blank line
		}
		if cap(scratch) < len(rec) {
			scratch = make([]byte, 0, 2*len(rec))
		}
		fields = split(rec, fields[:0], scratch[:0])
		if width < 0 {
			if err := st.header(fields); err != nil {
				return 0, err
			}
			width = len(fields)
			continue
		}
		if len(fields) != width {
			return rows, fmt.Errorf("record %d: %d fields for %d columns", line, len(fields), width)
		}
		if err := st.add(fields); err != nil {
			return rows, fmt.Errorf("record %d: %w", line, err)
		}
		rows++
	}
}

// header finds the columns by name.
func (st *state) header(fields [][]byte) error {
	if len(fields) > 0 {
		fields[0] = bytes.TrimPrefix(fields[0], []byte("\xef\xbb\xbf"))
	}
	for c, name := range columnNames {
		st.col[c] = -1
		for i, f := range fields {
			if string(f) == name {
				st.col[c] = i
				break
			}
		}
		if st.col[c] < 0 {
			return fmt.Errorf("missing column %q", name)
		}
	}
	return nil
}

// record returns the first record of b (without its newline) and the
// length it takes, newline included; ok is false when b holds no complete
// record (at the end of the input, the rest of b is the last record). A
// newline inside a quoted field does not end a record: a record ends at the
// first newline after which its quotes are balanced.
func record(b []byte, eof bool) (rec []byte, next int, ok bool) {
	quotes := 0
	from := 0
	for {
		i := bytes.IndexByte(b[from:], '\n')
		if i < 0 {
			if eof && len(b) > 0 {
				return b, len(b), true
			}
			return nil, 0, false
		}
		i += from
		if bytes.IndexByte(b[from:i], '"') >= 0 {
			quotes += bytes.Count(b[from:i], []byte{'"'})
		}
		if quotes%2 == 0 {
			return b[:i], i + 1, true
		}
		from = i + 1
	}
}

// split appends rec's fields to fields. A quoted field's text is unquoted;
// when it holds doubled quotes its text is copied into scratch, which must
// have room for len(rec) bytes so that it is never reallocated. Fields are
// trimmed of spaces and tabs.
func split(rec []byte, fields [][]byte, scratch []byte) [][]byte {
	for i := 0; ; {
		if i < len(rec) && rec[i] == '"' {
			// Quoted field: up to the closing quote, "" meaning one quote.
			j := i + 1
			escaped := false
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					j = len(rec)
					break
				}
				j += k
				if j+1 < len(rec) && rec[j+1] == '"' {
					escaped = true
					j += 2
					continue
				}
				break
			}
			text := rec[i+1 : min(j, len(rec))]
			if escaped {
				s := len(scratch)
				for k := 0; k < len(text); k++ {
					scratch = append(scratch, text[k])
					if text[k] == '"' {
						k++
					}
				}
				text = scratch[s:]
			}
			fields = append(fields, trim(text))
			i = j + 1 // past the closing quote, at the comma
			if i >= len(rec) {
				return fields
			}
			if c := bytes.IndexByte(rec[i:], ','); c >= 0 {
				i += c + 1
				continue
			}
			return fields
		}
		c := bytes.IndexByte(rec[i:], ',')
		if c < 0 {
			return append(fields, trim(rec[i:]))
		}
		fields = append(fields, trim(rec[i:i+c]))
		i += c + 1
	}
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// add adds one sale.
func (st *state) add(f [][]byte) error {
	qty, err := parseInt(f[st.col[colQuantity]])
	if err != nil {
		return fmt.Errorf("quantity: %w", err)
	}
	price, err := parseCents(f[st.col[colUnitPrice]])
	if err != nil {
		return fmt.Errorf("unit_price: %w", err)
	}
	total, err := parseCents(f[st.col[colTotal]])
	if err != nil {
		return fmt.Errorf("total_amount: %w", err)
	}
	dt := f[st.col[colDate]]
	if len(dt) != 10 || string(dt) != string(st.lastDate[:]) {
		day, err := parseDate(dt)
		if err != nil {
			return fmt.Errorf("sale_date: %w", err)
		}
		copy(st.lastDate[:], dt)
		st.lastDay = day
		st.lastTotals = st.days[day]
		if st.lastTotals == nil {
			st.lastTotals = &totals{}
			st.days[day] = st.lastTotals
		}
	}
	day := st.lastDay
	st.all.add(qty, price, total)
	st.lastTotals.add(qty, price, total)
	st.category.add(f[st.col[colCategory]], qty, price, total)
	st.product.add(f[st.col[colProductName]], qty, price, total)
	basket := 2
	if qty == 1 {
		basket = 0
	} else if qty <= 2 {
		basket = 1
	}
	st.basket[basket].add(qty, price, total)
	r := st.region.add(f[st.col[colRegion]], qty, price, total)
	sp := st.person.add(f[st.col[colSalesperson]], qty, price, total)

	id, cu := st.customers.get(f[st.col[colCustomerID]])
	if name := f[st.col[colCustomerName]]; cu.orders == 0 || day >= cu.nameDay {
		if !cu.name.equal(name) {
			cu.name.set(name)
		}
		cu.nameDay = day
	}
	cu.orders++
	cu.spent += total
	cu.items += qty
	mark(&cu.regions, &st.regionSets, r, id)
	mark(&cu.people, &st.personSets, sp, id)

	if total > 2000_00 || qty > 5 || price > 1500_00 {
		b := appendField(st.row[:0], f[st.col[colTransaction]])
		b = append(b, ',')
		b = appendField(b, f[st.col[colProductName]])
		b = append(b, ',')
		b = strconv.AppendInt(b, qty, 10)
		b = append(b, ',')
		b = appendCents(b, price)
		b = append(b, ',')
		b = appendCents(b, total)
		b = append(b, ',')
		b = appendField(b, f[st.col[colCustomerName]])
		b = append(b, ",HIGH_VALUE\n"...)
		st.anomalies.Write(b)
		st.row = b
	}
	return nil
}

var errSyntax = errors.New("not a number")

// parseInt reads a plain integer.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 18 {
		return 0, errSyntax
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errSyntax
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseCents reads a plain decimal with at most two decimals, in cents.
func parseCents(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 16 {
		return 0, errSyntax
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var v int64
	frac := -1
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return 0, errSyntax
		}
	}
	switch frac {
	case -1, 0:
		v *= 100
	case 1:
		v *= 10
	case 2:
	default:
		return 0, errors.New("more than 2 decimals")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseDate reads yyyy-MM-dd (or yyyy/MM/dd) as days since 1970-01-01.
func parseDate(b []byte) (int32, error) {
	if len(b) != 10 || (b[4] != '-' && b[4] != '/') || b[7] != b[4] {
		return 0, errors.New("not a date")
	}
	num := func(s []byte) int {
		v := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, errors.New("not a date")
	}
	return fromYMD(y, m, d), nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// fromYMD is Howard Hinnant's days_from_civil.
func fromYMD(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// ymd is Howard Hinnant's civil_from_days.
func ymd(days int32) (y, m, d int) {
	z := int(days) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendDate(b []byte, days int32) []byte {
	y, m, d := ymd(days)
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, m, 2)
	b = append(b, '-')
	return appendPadded(b, d, 2)
}

// appendCents writes an amount with exactly two decimals.
func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	return append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
}

// appendFixed4 writes ten-thousandths with up to four decimals, no trailing
// zeros.
func appendFixed4(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/10000, 10)
	frac := v % 10000
	if frac == 0 {
		return b
	}
	digits := []byte{byte('0' + frac/1000), byte('0' + frac/100%10), byte('0' + frac/10%10), byte('0' + frac%10)}
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return append(append(b, '.'), digits...)
}

// appendField writes a CSV field, quoted only when it needs to be.
func appendField[T string | []byte](b []byte, f T) []byte {
	quote := len(f) > 0 && (f[0] == ' ' || f[0] == '\t' || f[len(f)-1] == ' ' || f[len(f)-1] == '\t')
	for i := 0; i < len(f) && !quote; i++ {
		switch f[i] {
		case ',', '"', '\n', '\r':
			quote = true
		}
	}
	if !quote {
		return append(b, f...)
	}
	b = append(b, '"')
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, f[i])
	}
	return append(b, '"')
}

// divRound returns a / b rounded half away from zero; 0 when b is 0.
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	neg := (a < 0) != (b < 0)
	ua, ub := abs(a), abs(b)
	q, r := ua/ub, ua%ub
	if r >= ub-r {
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// mulDivRound returns a × m / b rounded half away from zero, in 128 bits;
// 0 when b is 0.
func mulDivRound(a, m, b int64) int64 {
	if b == 0 {
		return 0
	}
	neg := (a < 0) != (m < 0) != (b < 0)
	hi, lo := bits.Mul64(abs(a), abs(m))
	ub := abs(b)
	if hi >= ub {
		panic("mulDivRound: overflow")
	}
	q, r := bits.Div64(hi, lo, ub)
	if r >= ub-r {
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

var moisFR = [...]string{"Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre", "Novembre", "Décembre"}

// write writes every dataset but sales_anomalies (written during the pass).
func (st *state) write(output string) error {
	type out struct {
		name string
		b    []byte
	}
	var outs []out
	emit := func(name, header string, rows func(b []byte) []byte) {
		outs = append(outs, out{name, rows(append([]byte(header), '\n'))})
	}
	all := st.all
	customers := st.customers.all()
	customersTotal := int64(len(customers))
	regionCustomers := distinct(customers, func(c *customer) [2]uint64 { return c.regions }, st.regionSets, st.region.n)
	personCustomers := distinct(customers, func(c *customer) [2]uint64 { return c.people }, st.personSets, st.person.n)

	emit("sales_kpi_global", "total_transactions,total_revenue,avg_transaction_value,total_units_sold,unique_customers", func(b []byte) []byte {
		b = strconv.AppendInt(b, all.n, 10)
		b = appendCents(append(b, ','), all.revenue)
		b = appendCents(append(b, ','), divRound(all.revenue, all.n))
		b = strconv.AppendInt(append(b, ','), all.units, 10)
		b = strconv.AppendInt(append(b, ','), customersTotal, 10)
		return append(b, '\n')
	})
	emit("sales_by_category", "category,transaction_count,total_revenue,avg_transaction_value,total_quantity,avg_unit_price", func(b []byte) []byte {
		for _, g := range st.category.sorted() {
			b = appendField(b, g.key)
			b = strconv.AppendInt(append(b, ','), g.t.n, 10)
			b = appendCents(append(b, ','), g.t.revenue)
			b = appendCents(append(b, ','), divRound(g.t.revenue, g.t.n))
			b = strconv.AppendInt(append(b, ','), g.t.units, 10)
			b = appendCents(append(b, ','), divRound(g.t.prices, g.t.n))
			b = append(b, '\n')
		}
		return b
	})
	emit("sales_by_region", "region,transactions,revenue,avg_order_value,unique_customers,revenue_per_customer", func(b []byte) []byte {
		for _, g := range st.region.sorted() {
			u := regionCustomers[g.id]
			b = appendField(b, g.key)
			b = strconv.AppendInt(append(b, ','), g.t.n, 10)
			b = appendCents(append(b, ','), g.t.revenue)
			b = appendCents(append(b, ','), divRound(g.t.revenue, g.t.n))
			b = strconv.AppendInt(append(b, ','), u, 10)
			b = appendCents(append(b, ','), divRound(g.t.revenue, u))
			b = append(b, '\n')
		}
		return b
	})
	emit("salesperson_performance", "salesperson,total_sales,total_revenue,avg_sale_amount,customers_served", func(b []byte) []byte {
		for _, g := range st.person.sorted() {
			b = appendField(b, g.key)
			b = strconv.AppendInt(append(b, ','), g.t.n, 10)
			b = appendCents(append(b, ','), g.t.revenue)
			b = appendCents(append(b, ','), divRound(g.t.revenue, g.t.n))
			b = strconv.AppendInt(append(b, ','), personCustomers[g.id], 10)
			b = append(b, '\n')
		}
		return b
	})
	days := make([]int32, 0, len(st.days))
	for d := range st.days {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	emit("daily_sales_trend", "sale_date,daily_transactions,daily_revenue,avg_daily_transaction", func(b []byte) []byte {
		for _, d := range days {
			t := st.days[d]
			b = appendDate(b, d)
			b = strconv.AppendInt(append(b, ','), t.n, 10)
			b = appendCents(append(b, ','), t.revenue)
			b = appendCents(append(b, ','), divRound(t.revenue, t.n))
			b = append(b, '\n')
		}
		return b
	})
	emit("monthly_sales_trend", "year_month,transactions,revenue,avg_transaction_value,units", func(b []byte) []byte {
		var month totals
		for i, d := range days {
			month.merge(st.days[d])
			y, m, _ := ymd(d)
			if i+1 < len(days) {
				if y2, m2, _ := ymd(days[i+1]); y2 == y && m2 == m {
					continue
				}
			}
			b = appendPadded(b, y, 4)
			b = appendPadded(append(b, '-'), m, 2)
			b = strconv.AppendInt(append(b, ','), month.n, 10)
			b = appendCents(append(b, ','), month.revenue)
			b = appendCents(append(b, ','), divRound(month.revenue, month.n))
			b = strconv.AppendInt(append(b, ','), month.units, 10)
			b = append(b, '\n')
			month = totals{}
		}
		return b
	})
	emit("top_products", "product_name,times_sold,total_quantity_sold,total_product_revenue,avg_unit_price", func(b []byte) []byte {
		for i, g := range st.product.sorted() {
			if i == 10 {
				break
			}
			b = appendField(b, g.key)
			b = strconv.AppendInt(append(b, ','), g.t.n, 10)
			b = strconv.AppendInt(append(b, ','), g.t.units, 10)
			b = appendCents(append(b, ','), g.t.revenue)
			b = appendCents(append(b, ','), divRound(g.t.prices, g.t.n))
			b = append(b, '\n')
		}
		return b
	})
	emit("vip_customers", "customer_id,customer_name,purchase_frequency,total_spent,avg_order_value,total_items_bought", func(b []byte) []byte {
		var vips []*entry[customer]
		for _, c := range customers {
			if c.v.orders > 2 {
				vips = append(vips, c)
			}
		}
		ids := make(map[*entry[customer]]string, len(vips))
		for _, c := range vips {
			ids[c] = c.k.String()
		}
		sort.Slice(vips, func(i, j int) bool {
			if vips[i].v.spent != vips[j].v.spent {
				return vips[i].v.spent > vips[j].v.spent
			}
			return ids[vips[i]] < ids[vips[j]]
		})
		for _, e := range vips {
			c := &e.v
			b = appendField(b, ids[e])
			b = appendField(append(b, ','), c.name.String())
			b = strconv.AppendInt(append(b, ','), c.orders, 10)
			b = appendCents(append(b, ','), c.spent)
			b = appendCents(append(b, ','), divRound(c.spent, c.orders))
			b = strconv.AppendInt(append(b, ','), c.items, 10)
			b = append(b, '\n')
		}
		return b
	})
	emit("basket_analysis", "basket_size,transaction_count,revenue_contribution,avg_transaction_value,revenue_percentage", func(b []byte) []byte {
		for i, name := range []string{"Single Item", "Small Basket (2 items)", "Large Basket (3+ items)"} {
			t := st.basket[i]
			if t.n == 0 {
				continue
			}
			b = append(b, name...)
			b = strconv.AppendInt(append(b, ','), t.n, 10)
			b = appendCents(append(b, ','), t.revenue)
			b = appendCents(append(b, ','), divRound(t.revenue, t.n))
			b = appendFixed4(append(b, ','), mulDivRound(t.revenue, 1_000_000, all.revenue))
			b = append(b, '\n')
		}
		return b
	})
	emit("executive_sales_summary", "report", func(b []byte) []byte {
		period := "aucune vente"
		if len(days) > 0 {
			month := func(d int32) string {
				y, m, _ := ymd(d)
				return moisFR[m-1] + " " + strconv.Itoa(y)
			}
			period = month(days[0])
			if last := month(days[len(days)-1]); last != period {
				period += " – " + last
			}
		}
		report := "RAPPORT EXÉCUTIF VENTES - Période: " + period +
			" | Total transactions: " + strconv.FormatInt(all.n, 10) +
			" | Chiffre d'affaires: $" + strconv.FormatInt(divRound(all.revenue, 100), 10) +
			" | Panier moyen: $" + strconv.FormatInt(divRound(divRound(all.revenue, all.n), 100), 10) +
			" | Unités vendues: " + strconv.FormatInt(all.units, 10)
		return append(appendField(b, report), '\n')
	})
	for _, o := range outs {
		f, err := create(output, o.name)
		if err != nil {
			return err
		}
		if _, err := f.Write(o.b); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
