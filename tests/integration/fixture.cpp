// Integration fixture: see fixture.hpp.
