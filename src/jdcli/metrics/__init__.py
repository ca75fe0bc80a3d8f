"""Pure pandas computations: DataFrame in, DataFrame out; no printing, rounding or I/O."""
