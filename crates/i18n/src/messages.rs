pub static MESSAGES: &[(&str, &str, &str)] = &[("nav.home","Trang chủ","Home")];
