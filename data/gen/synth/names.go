package synth

// People's names, shared by customers and employees: common names from
// around the world, some with apostrophes, hyphens and accents.
var firstNames = []string{
	"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
	"David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
	"Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
	"Emma", "Olivia", "Liam", "Noah", "Sophia", "Mia", "Lucas", "Amelia", "Ethan", "Harper",
	"Chloé", "Zoë", "José", "María", "Lucía", "Mateo", "Sofía", "Valentina", "Diego", "Camila",
	"João", "Ana", "Pedro", "Beatriz", "François", "Amélie", "Hélène", "René", "Léa", "Jürgen",
	"Björn", "Søren", "Åsa", "Ingrid", "Lars", "Magnus", "Freja", "Łukasz", "Zofia", "Małgorzata",
	"Jan", "Katarzyna", "Giulia", "Marco", "Luca", "Francesca", "Alessandro", "Siobhán", "Seán", "Niamh",
	"Aoife", "Ciarán", "Priya", "Arjun", "Ananya", "Rohan", "Aditi", "Wei", "Mei", "Jun",
	"Yuki", "Haruto", "Sakura", "Min-jun", "Ji-woo", "Seo-yeon", "Thanh", "Linh", "Minh", "Fatima",
	"Omar", "Aisha", "Youssef", "Layla", "Chidi", "Amara", "Kwame", "Zanele", "Thabo", "Ngozi",
	"Oluwaseun", "Ayşe", "Mehmet", "Elif", "Dmitri", "Olga", "Ivan", "Nikolai", "Svetlana", "Hiroshi",
	"Kenji", "Mary-Kate", "Jean-Luc", "Anne-Marie", "D'Andre", "Renée", "Noël", "Inês", "Sebastián", "Tomás",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"O'Connor", "O'Brien", "O'Neill", "D'Angelo", "D'Souza", "McDonald", "MacLeod", "Müller", "Schröder", "Schmidt",
	"Weiß", "Fischer", "Becker", "Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rossi", "Russo",
	"Bianchi", "Esposito", "Romano", "García", "Fernández", "Martín", "Pérez", "Gómez", "Muñoz", "Silva",
	"Santos", "Oliveira", "Souza", "Conceição", "Gonçalves", "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Lewandowski",
	"Andersson", "Johansson", "Nilsson", "Ødegaard", "Sørensen", "Jørgensen", "Hansen", "Kim", "Park", "Choi",
	"Tanaka", "Suzuki", "Watanabe", "Yamamoto", "Wang", "Li", "Zhang", "Liu", "Chen", "Patel",
	"Sharma", "Singh", "Gupta", "Kumar", "Iyer", "Okafor", "Mensah", "Adeyemi", "Nkosi", "Diallo",
	"Haddad", "Khalil", "Yılmaz", "Kaya", "Demir", "Ivanov", "Petrova", "Novák", "Dvořák", "Horváth",
	"Nagy", "Papadopoulos", "Nguyễn", "Trần", "Lê", "Van der Berg", "De la Cruz", "Smith-Jones", "Al-Sayed", "St. John",
}

// nameSuffixes are appended to a few names; the ones with a comma make the
// name a quoted field.
var nameSuffixes = []string{"", ", Jr.", ", Sr.", " III", ", PhD"}

// nicknames make names with a bare quote: Robert "Bob" Smith.
var nicknames = []string{"Bob", "Liz", "Jimmy", "Kat", "Max", "Sasha", "Bea", "Tom", "DJ", "Gigi"}

// personName is an index into the name lists.
type personName struct {
	first, last uint16
	suffix      uint8
}

// nameFromHash picks a name from 64 random bits: about 1 in 200 names has
// a suffix.
func nameFromHash(h uint64) personName {
	n := personName{
		first: uint16(h % uint64(len(firstNames))),
		last:  uint16((h >> 16) % uint64(len(lastNames))),
	}
	if (h>>32)%1000 < 5 {
		n.suffix = uint8(1 + (h>>42)%uint64(len(nameSuffixes)-1))
	}
	return n
}

// appendName appends "First Last[suffix]", with sep between the parts.
func (n personName) appendName(b []byte, sep string) []byte {
	b = append(b, firstNames[n.first]...)
	b = append(b, sep...)
	b = append(b, lastNames[n.last]...)
	return append(b, nameSuffixes[n.suffix]...)
}

// hasComma reports whether the name holds a comma (in its suffix).
func (n personName) hasComma() bool {
	return nameSuffixes[n.suffix] != "" && nameSuffixes[n.suffix][0] == ','
}

func (n personName) String() string { return string(n.appendName(nil, " ")) }
