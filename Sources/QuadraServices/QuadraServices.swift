/// Spice and A-Cube clients, retry policy and the SQLite state store.
public enum QuadraServices {}
