// Package records defines the typed rows beamline reads (employees from
// sample_data.csv, sales from sales_data.csv) and the one validator every
// pipeline applies to them: a row is either a clean record or a reason.
package records

import (
	"github.com/beamline/beamline/transforms/calendar"
	"github.com/beamline/beamline/transforms/money"
)

// Employee is one row of sample_data.csv.
type Employee struct {
	ID         int64
	Name       string
	Age        int64
	City       string
	Salary     money.Cents
	Department string
	HireDate   calendar.Date
	Status     string
	// Line is the physical line of the input file where the row starts.
	Line int64
}

// EmployeeColumns are the columns of sample_data.csv, in the original order.
var EmployeeColumns = []string{"id", "name", "age", "city", "salary", "department", "hire_date", "status"}

// Sale is one row of sales_data.csv.
type Sale struct {
	TransactionID string
	ProductID     string
	ProductName   string
	Category      string
	Quantity      int64
	UnitPrice     money.Cents
	TotalAmount   money.Cents
	CustomerID    string
	CustomerName  string
	SaleDate      calendar.Date
	Region        string
	Salesperson   string
	// Line is the physical line of the input file where the row starts.
	Line int64
}

// SaleColumns are the columns of sales_data.csv, in the original order.
var SaleColumns = []string{
	"transaction_id", "product_id", "product_name", "category", "quantity", "unit_price",
	"total_amount", "customer_id", "customer_name", "sale_date", "region", "salesperson",
}

// Fields returns e's values in EmployeeColumns order, in the standard form
// (plain integers, two-decimal money, yyyy-MM-dd dates).
func (e *Employee) Fields() []string {
	return []string{
		itoa(e.ID), e.Name, itoa(e.Age), e.City, e.Salary.String(),
		e.Department, e.HireDate.String(), e.Status,
	}
}

// Fields returns s's values in SaleColumns order, in the standard form.
func (s *Sale) Fields() []string {
	return []string{
		s.TransactionID, s.ProductID, s.ProductName, s.Category, itoa(s.Quantity),
		s.UnitPrice.String(), s.TotalAmount.String(), s.CustomerID, s.CustomerName,
		s.SaleDate.String(), s.Region, s.Salesperson,
	}
}

// EmployeeBlock is the clean employees of one block of an input file.
type EmployeeBlock struct {
	File string
	// Seq orders blocks in input order (file, then offset).
	Seq  int64
	Rows []Employee
	// Wire is the block's encoded form, set by the reader: where its rows
	// come from, to read them again (see transforms/csvio).
	Wire []byte
}

// SaleBlock is the clean sales of one block of an input file.
type SaleBlock struct {
	File string
	// Seq orders blocks in input order (file, then offset).
	Seq  int64
	Rows []Sale
	// Wire is the block's encoded form, set by the reader: where its rows
	// come from, to read them again (see transforms/csvio).
	Wire []byte
}
