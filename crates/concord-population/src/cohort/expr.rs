//! The cohort language's expressions: `age >= 65 and (alone or ucla >= 6)`,
//! `frailty in ["moderate", "severe"]`, `not registered`.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | compare
//! compare := term (("=" | "!=" | "<" | "<=" | ">" | ">=") term | "in" "[" term ("," term)* "]")?
//! term    := number | "text" | name | "(" expr ")"
//! ```
//!
//! A parse error gives the column (in characters, from 1) where it went wrong. Nesting (brackets
//! and `not`) is limited to [`MAX_DEPTH`] levels, so no input can exhaust the parser's stack.

use std::fmt;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `=` (or `==`).
    Equal,
    /// `!=`.
    NotEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// A text literal.
    Text(String),
    /// A variable, by name, and the column it was named at.
    Name(String, usize),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction.
    And(Vec<Expr>),
    /// Disjunction.
    Or(Vec<Expr>),
    /// A comparison.
    Compare(Box<Expr>, Compare, Box<Expr>),
    /// Membership of a list of literals.
    In(Box<Expr>, Vec<Expr>),
}

impl Expr {
    /// Every variable the expression names, with its column.
    pub fn names(&self) -> Vec<(&str, usize)> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, usize)>) {
        match self {
            Expr::Name(n, at) => out.push((n, *at)),
            Expr::Not(e) => e.collect_names(out),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.collect_names(out)),
            Expr::Compare(a, _, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::In(a, list) => {
                a.collect_names(out);
                list.iter().for_each(|e| e.collect_names(out));
            }
            Expr::Number(_) | Expr::Text(_) => {}
        }
    }
}

/// Why an expression could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The column (characters from 1).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Word(String),
    Op(Compare),
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
    End,
}

fn describe(token: &Token) -> String {
    match token {
        Token::Number(n) => format!("the number {n}"),
        Token::Text(t) => format!("the text \"{t}\""),
        Token::Word(w) => format!("'{w}'"),
        Token::Op(_) => "a comparison".into(),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::OpenList => "'['".into(),
        Token::CloseList => "']'".into(),
        Token::Comma => "','".into(),
        Token::End => "the end".into(),
    }
}

fn tokenise(source: &str) -> Result<Vec<(Token, usize)>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let err = |message: String| ParseError { column, message };
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                out.push((
                    match c {
                        '(' => Token::Open,
                        ')' => Token::Close,
                        '[' => Token::OpenList,
                        ']' => Token::CloseList,
                        _ => Token::Comma,
                    },
                    column,
                ));
                i += 1;
            }
            '<' | '>' | '=' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, width) = match (c, next) {
                    ('<', Some('=')) => (Compare::LessOrEqual, 2),
                    ('>', Some('=')) => (Compare::GreaterOrEqual, 2),
                    ('=', Some('=')) => (Compare::Equal, 2),
                    ('!', Some('=')) => (Compare::NotEqual, 2),
                    ('<', _) => (Compare::Less, 1),
                    ('>', _) => (Compare::Greater, 1),
                    ('=', _) => (Compare::Equal, 1),
                    _ => {
                        return Err(err(
                            "'!' must be followed by '=' (use 'not' to negate)".into()
                        ))
                    }
                };
                out.push((Token::Op(op), column));
                i += width;
            }
            '"' | '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .ok_or_else(|| err("this text is not closed".into()))?;
                out.push((
                    Token::Text(chars[i + 1..i + 1 + end].iter().collect()),
                    column,
                ));
                i += end + 2;
            }
            c if c.is_ascii_digit() || c == '.' || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| err(format!("'{text}' is not a number")))?;
                out.push((Token::Number(n), column));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Token::Word(chars[start..i].iter().collect()), column));
            }
            other => return Err(err(format!("'{other}' cannot be used here"))),
        }
    }
    out.push((Token::End, chars.len() + 1));
    Ok(out)
}

/// The deepest nesting of brackets and `not` an expression may have. Real cohort expressions
/// nest a handful of levels; the limit keeps the recursive parser (and everything that walks the
/// tree it builds) far inside a thread's stack.
pub const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<(Token, usize)>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at].0
    }

    fn column(&self) -> usize {
        self.tokens[self.at].1
    }

    fn next(&mut self) -> (Token, usize) {
        let t = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        t
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn fail<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            column: self.column(),
            message: format!("expected {expected}, found {}", describe(self.peek())),
        })
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.and()?];
        while self.is_word("or") {
            self.next();
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.not()?];
        while self.is_word("and") {
            self.next();
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    /// Enters one level of nesting, refusing to go deeper than [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError {
                column: self.column(),
                message: format!(
                    "the expression is nested too deeply (more than {MAX_DEPTH} levels of brackets and 'not'): simplify it or split it into named variables"
                ),
            });
        }
        self.depth += 1;
        Ok(())
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_word("not") {
            self.descend()?;
            self.next();
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ParseError> {
        let left = self.term()?;
        if let Token::Op(op) = *self.peek() {
            self.next();
            let right = self.term()?;
            return Ok(Expr::Compare(Box::new(left), op, Box::new(right)));
        }
        if self.is_word("in") {
            self.next();
            if *self.peek() != Token::OpenList {
                return self.fail("'[' to start the list after 'in'");
            }
            self.next();
            let mut list = vec![self.literal()?];
            while *self.peek() == Token::Comma {
                self.next();
                list.push(self.literal()?);
            }
            if *self.peek() != Token::CloseList {
                return self.fail("',' or ']'");
            }
            self.next();
            return Ok(Expr::In(Box::new(left), list));
        }
        Ok(left)
    }

    fn literal(&mut self) -> Result<Expr, ParseError> {
        match self.peek().clone() {
            Token::Number(n) => {
                self.next();
                Ok(Expr::Number(n))
            }
            Token::Text(t) => {
                self.next();
                Ok(Expr::Text(t))
            }
            _ => self.fail("a number or a \"text\""),
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let column = self.column();
        match self.peek().clone() {
            Token::Number(_) | Token::Text(_) => self.literal(),
            Token::Word(w)
                if ["and", "or", "not", "in"].contains(&w.to_ascii_lowercase().as_str()) =>
            {
                self.fail("a variable, a number or a \"text\"")
            }
            Token::Word(w) => {
                self.next();
                Ok(Expr::Name(w, column))
            }
            Token::Open => {
                self.descend()?;
                self.next();
                let inner = self.or()?;
                if *self.peek() != Token::Close {
                    return self.fail("')'");
                }
                self.next();
                self.depth -= 1;
                Ok(inner)
            }
            _ => self.fail("a variable, a number or a \"text\""),
        }
    }
}

/// Parses an expression.
pub fn parse(source: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser {
        tokens: tokenise(source)?,
        at: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    if *parser.peek() != Token::End {
        return parser.fail("'and', 'or' or the end");
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let e = parse("a or b and not c").unwrap();
        let name = |n: &str, at| Expr::Name(n.into(), at);
        assert_eq!(
            e,
            Expr::Or(vec![
                name("a", 1),
                Expr::And(vec![name("b", 6), Expr::Not(Box::new(name("c", 16)))])
            ])
        );
    }

    #[test]
    fn comparisons_lists_and_parentheses() {
        let e =
            parse(r#"(age >= 65) and frailty in ["moderate", 'severe'] and ucla != 3.5"#).unwrap();
        let Expr::And(parts) = e else { panic!() };
        assert!(
            matches!(&parts[0], Expr::Compare(_, Compare::GreaterOrEqual, r) if **r == Expr::Number(65.0))
        );
        assert!(matches!(&parts[1], Expr::In(_, l) if l.len() == 2));
        assert!(matches!(&parts[2], Expr::Compare(_, Compare::NotEqual, _)));
    }

    #[test]
    fn errors_point_at_their_column() {
        for (source, column) in [
            ("age >= ", 8),
            ("age >= 65 and", 14),
            ("(a or b", 8),
            ("a b", 3),
            ("x in 1", 6),
            ("x in [1, y]", 10),
            ("a ! b", 3),
            ("\"open", 1),
            ("a & b", 3),
        ] {
            let err = parse(source).unwrap_err();
            assert_eq!(err.column, column, "{source}: {err}");
        }
    }

    #[test]
    fn nesting_is_limited_with_a_clear_error_at_its_column() {
        let at_limit = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&at_limit).is_ok());
        let nots = format!("{}a", "not ".repeat(MAX_DEPTH));
        assert!(parse(&nots).is_ok());
        let deeper = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let err = parse(&deeper).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{err}");
        assert_eq!(err.column, MAX_DEPTH + 1);
        let err = parse(&format!("{}a", "not ".repeat(MAX_DEPTH + 1))).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{err}");
    }

    /// What crashed the server: thousands of brackets or `not`s (about 4 KB). Parsed on a thread
    /// with a small stack, so a parser that recursed per level would overflow here.
    #[test]
    fn hostile_depth_and_width_are_refused_or_parsed_without_recursion_per_item() {
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(|| {
                for n in [2_054, 6_200, 100_000] {
                    let brackets = format!("{}a{}", "(".repeat(n), ")".repeat(n));
                    assert!(parse(&brackets).is_err());
                    assert!(parse(&"(".repeat(n)).is_err());
                    assert!(parse(&format!("{}a", "not ".repeat(n))).is_err());
                    assert!(parse(&format!("{}a", "not (".repeat(n))).is_err());
                    // Wide is fine: 'and' and 'or' chains are loops, not recursion.
                    let wide = vec!["a"; n].join(" or ");
                    assert!(parse(&wide).is_ok());
                    let list = format!("x in [{}]", vec!["1"; n].join(", "));
                    assert!(parse(&list).is_ok());
                }
            })
            .unwrap();
        handle.join().expect("no stack overflow");
    }

    proptest! {
        #[test]
        fn no_input_panics(source in ".{0,60}") {
            let _ = parse(&source);
        }

        #[test]
        fn any_mix_of_deep_nesting_parses_or_fails_cleanly(
            openers in proptest::collection::vec(prop_oneof![Just("("), Just("not "), Just("not (")], 0..400),
            closers in 0usize..400,
        ) {
            let source = format!("{}a{}", openers.concat(), ")".repeat(closers));
            let depth = openers.iter().map(|o| if *o == "not (" { 2 } else { 1 }).sum::<usize>();
            let result = parse(&source);
            if depth > MAX_DEPTH {
                prop_assert!(result.is_err());
            }
        }

        #[test]
        fn names_round_trip(names in proptest::collection::vec("[a-z_][a-z0-9_]{0,8}", 1..6)) {
            let names: Vec<String> = names
                .into_iter()
                .filter(|n| !["and", "or", "not", "in"].contains(&n.as_str()))
                .collect();
            prop_assume!(!names.is_empty());
            let source = names.join(" and ");
            let parsed = parse(&source).unwrap();
            let found: Vec<&str> = parsed.names().into_iter().map(|(n, _)| n).collect();
            prop_assert_eq!(found, names.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
