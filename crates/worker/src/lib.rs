//! c360's engine in a Web Worker.
