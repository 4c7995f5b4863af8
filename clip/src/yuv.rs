//! RGB to the encoder's 4:2:0 planes (BT.709, limited range); chroma is the average of
//! each 2 × 2 block (edges repeated).

pub struct Planes {
    width: usize,
    height: usize,
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
}

impl Planes {
    pub fn new(width: usize, height: usize) -> Self {
        let chroma = width.div_ceil(2) * height.div_ceil(2);
        Self { width, height, y: vec![0; width * height], u: vec![0; chroma], v: vec![0; chroma] }
    }

    /// Each plane with its row length.
    pub fn each(&self) -> [(&[u8], usize); 3] {
        let cw = self.width.div_ceil(2);
        [(&self.y, self.width), (&self.u, cw), (&self.v, cw)]
    }

    pub fn fill_from_rgb(&mut self, rgb: &[u8]) {
        let (w, h) = (self.width, self.height);
        let px = |x: usize, y: usize| {
            let i = (y * w + x) * 3;
            [i32::from(rgb[i]), i32::from(rgb[i + 1]), i32::from(rgb[i + 2])]
        };
        for row in 0..h {
            for col in 0..w {
                let [r, g, b] = px(col, row);
                self.y[row * w + col] = (((11966 * r + 40254 * g + 4064 * b + 32768) >> 16) + 16) as u8;
            }
        }
        let cw = w.div_ceil(2);
        for row in 0..h.div_ceil(2) {
            for col in 0..cw {
                let (x0, y0) = (col * 2, row * 2);
                let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
                let mut sum = [0i32; 3];
                for p in [px(x0, y0), px(x1, y0), px(x0, y1), px(x1, y1)] {
                    (0..3).for_each(|c| sum[c] += p[c]);
                }
                let [r, g, b] = sum; // four times the average
                let cb = (-6596 * r - 22188 * g + 28784 * b + 131072) >> 18;
                let cr = (28784 * r - 26145 * g - 2639 * b + 131072) >> 18;
                self.u[row * cw + col] = (cb + 128).clamp(0, 255) as u8;
                self.v[row * cw + col] = (cr + 128).clamp(0, 255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Planes;

    #[test]
    fn black_white_and_red_land_where_bt709_puts_them() {
        let mut planes = Planes::new(2, 2);
        planes.fill_from_rgb(&[0, 0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 0]);
        let [(y, _), (u, _), (v, _)] = planes.each();
        assert_eq!(&y[..2], &[16, 235], "limited range: black 16, white 235");
        assert_eq!(y[2], 63, "BT.709 red luma");
        assert!(v[0] > 128 && u[0] < 128, "a reddish average: Cr up, Cb down ({u:?}, {v:?})");
    }
}
