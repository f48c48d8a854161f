/// Spice and A-Cube simulators: real HTTP servers on loopback with fault switches.
public enum QuadraSimulators {}
