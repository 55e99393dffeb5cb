package synth

import (
	"strconv"
	"strings"

	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
)

// EmployeesFile is the employees file's name; EmployeesHeader its header line.
const (
	EmployeesFile   = "sample_data.csv"
	EmployeesHeader = "id,name,age,city,salary,department,hire_date,status"
)

// department is a department's share of the staff and its salary band.
type department struct {
	name   string
	weight uint32
	lo, hi int64 // dollars
}

var departments = newWeighted([]department{
	{"Engineering", 26, 70_000, 165_000},
	{"Sales", 18, 45_000, 125_000},
	{"Operations", 15, 38_000, 90_000},
	{"Customer Support", 13, 32_000, 62_000},
	{"Marketing", 10, 50_000, 115_000},
	{"Finance", 8, 55_000, 140_000},
	{"HR", 6, 45_000, 95_000},
	{"Legal", 4, 80_000, 185_000},
}, func(d department) uint32 { return d.weight })

// status is an employment status and its share of the staff.
type status struct {
	name   string
	weight uint32
}

var statuses = newWeighted([]status{{"Active", 84}, {"Inactive", 10}, {"On Leave", 6}},
	func(s status) uint32 { return s.weight })

// Hire dates run from firstHire to lastHire; ages are as of asOf.
var (
	firstHire = calendar.FromYMD(2005, 1, 1)
	lastHire  = calendar.FromYMD(2024, 12, 31)
	asOfYear  = 2025
)

// employeesGen generates sample_data.csv: row i is employee id i+1.
type employeesGen struct {
	key    uint64
	dirty  bool
	tricky int
	plan   *plan
}

func newEmployeesGen(cfg *Config) *employeesGen {
	n := cfg.employees()
	return &employeesGen{
		key:    streamKey(cfg.Seed, streamEmployees),
		dirty:  cfg.Dirty > 0,
		tricky: trickyPerMille(cfg.Dirty),
		plan:   newPlan(n, cfg.Dirty, EmployeeKinds(), streamKey(cfg.Seed, streamEmployeesPlan)),
	}
}

func (g *employeesGen) header() string { return EmployeesHeader }

func (g *employeesGen) worker() rowWorker { return &employeesWorker{g: g, r: newRowRand()} }

type employee struct {
	id     int64
	name   personName
	age    int64
	city   int
	dept   int
	salary int64 // dollars
	hire   calendar.Date
	status int
}

type employeesWorker struct {
	g *employeesGen
	r *rowRand
}

// gen draws employee i: age 21-65 (rarely 16-17 or 71-74), a hire date
// when they were at least 18, a salary in the department's band growing
// with tenure and age (rarely far outside it), rounded to 500.
func (w *employeesWorker) gen(i int64) employee {
	r := w.r
	r.seed(w.g.key, i)
	e := employee{id: i + 1, name: nameFromHash(r.Uint64())}
	switch x := r.IntN(1000); {
	case x < 3:
		e.age = 16 + r.Int64N(2)
	case x < 6:
		e.age = 71 + r.Int64N(4)
	case x < 600:
		e.age = 22 + r.Int64N(19)
	default:
		e.age = 21 + r.Int64N(45)
	}
	e.city = cities.index(r.Rand)
	e.dept = departments.index(r.Rand)
	earliest := max(firstHire, calendar.FromYMD(asOfYear-int(e.age)+18, 1, 1))
	if earliest > lastHire-180 {
		earliest = lastHire - 180 // minors hired as interns this year
	}
	span := int64(lastHire-earliest) + 1
	d := r.Int64N(span)
	if chance(r.Rand, 500) {
		d = max(d, r.Int64N(span)) // more recent hires: the company grows
	}
	e.hire = earliest + calendar.Date(d)
	dep := departments.items[e.dept]
	y, _, _ := e.hire.YMD()
	seniority := min(1000, int64(asOfYear-y)*40+(e.age-21)*12)
	band := dep.hi - dep.lo
	s := dep.lo + band*max(0, seniority)/1000 + band*(r.Int64N(161)-80)/1000
	s = min(dep.hi, max(dep.lo, s))
	switch x := r.IntN(1000); {
	case x < 2:
		s = 6_000 + 500*r.Int64N(8) // part-time, under 10,000
	case x < 4:
		s = 205_000 + 500*r.Int64N(240) // executives, over 200,000
	}
	e.salary = (s + 250) / 500 * 500
	e.status = statuses.index(r.Rand)
	return e
}

var employeeStyles = [...]style{styleCRLF, styleCRLF, stylePadded, styleQuoted, styleBlank, styleNewline}

func (w *employeesWorker) style() style {
	if !w.g.dirty || w.r.IntN(1000) >= w.g.tricky {
		return stylePlain
	}
	return employeeStyles[w.r.IntN(len(employeeStyles))]
}

func (w *employeesWorker) valid(b []byte, i int64, st *stats) []byte {
	e := w.gen(i)
	c := cells{style: w.style()}
	sep := " "
	switch c.style {
	case styleBlank:
		b = append(b, blankLines[w.r.IntN(len(blankLines))]...)
	case styleNewline:
		sep = "\n"
	}
	b = c.open(b)
	b = strconv.AppendInt(b, e.id, 10)
	b = c.close(b)
	var name [64]byte
	b = scanned(&c, b, e.name.appendName(name[:0], sep), e.name.hasComma(), sep == "\n", false)
	b = c.open(b)
	b = strconv.AppendInt(b, e.age, 10)
	b = c.close(b)
	b = plain(&c, b, cities.items[e.city].name)
	b = c.open(b)
	b = strconv.AppendInt(b, e.salary, 10)
	b = c.close(b)
	b = plain(&c, b, departments.items[e.dept].name)
	b = c.open(b)
	b = appendDate(b, e.hire)
	b = c.close(b)
	b = plain(&c, b, statuses.items[e.status].name)
	b = c.end(b)
	st.count(&c)
	return b
}

// Employee columns, as indexes into a row.
const (
	eID = iota
	eName
	eAge
	eCity
	eSalary
	eDept
	eHire
	eStatus
)

func (w *employeesWorker) values(e *employee) []string {
	return []string{
		strconv.FormatInt(e.id, 10), e.name.String(), strconv.FormatInt(e.age, 10),
		cities.items[e.city].name, strconv.FormatInt(e.salary, 10), departments.items[e.dept].name,
		e.hire.String(), statuses.items[e.status].name,
	}
}

func (w *employeesWorker) bad(b []byte, i int64, k Kind) []byte {
	e := w.gen(i)
	r := w.r.Rand
	row := plainCells(w.values(&e))
	salary := money.Cents(e.salary * 100)
	switch k {
	case WrongFieldCount:
		row = wrongFieldCount(r, row)
	case BadQuoting:
		switch r.IntN(3) {
		case 0:
			row[eName] = cell{v: nicknamed(r, row[eName].v), raw: true}
		case 1:
			row[eCity] = cell{v: textAfterQuote(r, row[eCity].v), raw: true}
		default:
			row[eName] = cell{v: textAfterQuote(r, row[eName].v), raw: true}
		}
	case MissingValue:
		row[r.IntN(len(row))] = blank(r)
	case NotAnInteger:
		f := []int{eID, eAge}[r.IntN(2)]
		row[f].v = notAnInteger(r, row[f].v)
	case OutOfRange:
		if chance(r, 400) {
			row[eID].v = oneOf(r, "0", "-"+row[eID].v, overflow)
		} else {
			row[eAge].v = oneOf(r, "0", "150", "121", "-"+row[eAge].v, overflow)
		}
	case NotANumber:
		v := notANumber(r, salary)
		if strings.Contains(v, ",") {
			v = strings.TrimSuffix(v, ".00") // "75,000"
		}
		row[eSalary].v = v
	case TooManyDecimals:
		row[eSalary].v = tooManyDecimals(r, salary)
	case NonPositiveAmount:
		row[eSalary].v = oneOf(r, "0", "0.00", "-"+row[eSalary].v)
	case ImpossibleDate:
		row[eHire].v = impossibleDate(r, e.hire)
	case InvalidUTF8:
		f := []int{eName, eCity, eDept, eStatus}[r.IntN(4)]
		row[f].v = invalidUTF8(r, row[f].v)
	case FieldTooLong:
		row[[]int{eName, eCity}[r.IntN(2)]].v = longValue
	case UnterminatedQuote:
		rest := make([]string, 0, len(row))
		for _, c := range row[eName:] {
			rest = append(rest, c.v)
		}
		row[eName] = cell{v: `"` + strings.Join(rest, ","), raw: true}
		row = row[:eName+1]
	}
	return appendRecord(b, row)
}
