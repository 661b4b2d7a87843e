int server_placeholder(void); int server_placeholder(void) { return 0; }
